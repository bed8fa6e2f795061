/*
 * A fast path for one common shape of rule regex: literal pieces joined by `.*` (e.g. `\+.*\+.*\+` counting
 * characters in a command line). RegExp backtracks polynomially on such chains when the text has almost enough
 * pieces; a leftmost-first search of each piece in turn, within one line (`.` does not cross line terminators unless
 * the `s` flag is set), decides the same question in linear time.
 */

export type StrTest = (s: string) => boolean;

/** Characters with a meaning in a pattern; an unescaped one makes the regex fall back to RegExp. */
const META = new Set(['^', '$', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '\\', '/']);
/** Characters that `\x` turns into themselves. */
const ESCAPABLE = new Set([...META, '-', '`', '"', "'", '#', '%', '&', ',', ':', ';', '<', '=', '>', '@', '_', '~', '!', ' ']);

const isTerminator = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

function lineEnd(s: string, from: number): number {
  for (let i = from; i < s.length; i++) if (isTerminator(s.charCodeAt(i))) return i;
  return s.length;
}

/** The literal pieces of a `lit(.*lit)*` regex source, or undefined when it has any other shape. */
export function chainPieces(source: string): string[] | undefined {
  const pieces: string[] = [];
  let cur = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i] ?? '';
    if (c === '.' && source[i + 1] === '*') {
      i++;
      if (source[i + 1] === '?') i++;
      if (cur.length > 0) pieces.push(cur);
      cur = '';
      continue;
    }
    if (c === '\\') {
      const d = source[i + 1];
      if (d === undefined || !ESCAPABLE.has(d)) return undefined;
      cur += d;
      i++;
      continue;
    }
    if (META.has(c) || isTerminator(c.charCodeAt(0))) return undefined;
    cur += c;
  }
  if (cur.length > 0) pieces.push(cur);
  return pieces.length > 0 ? pieces : undefined;
}

/** `re.test` in linear time when `re` is a chain of literals (see above); undefined for any other regex. */
export function chainTest(re: RegExp): StrTest | undefined {
  if (re.global || re.sticky || re.unicode || re.flags.includes('v')) return undefined;
  const pieces = chainPieces(re.source);
  if (!pieces) return undefined;
  // under `i` only pieces without letters (no case to fold) are taken
  if (re.ignoreCase && pieces.some((p) => p.toLowerCase() !== p.toUpperCase())) return undefined;
  const dotAll = re.dotAll;
  const first = pieces[0] ?? '';
  return (s) => {
    let at0 = s.indexOf(first);
    while (at0 >= 0) {
      // the line holding this occurrence of the first piece; each further piece leftmost after the previous one
      const end = dotAll ? s.length : lineEnd(s, at0);
      let p = at0 + first.length;
      let ok = true;
      for (let k = 1; k < pieces.length; k++) {
        const g = pieces[k] ?? '';
        const at = s.indexOf(g, p);
        if (at < 0) return false;
        if (at + g.length > end) {
          ok = false;
          break;
        }
        p = at + g.length;
      }
      if (ok) return true;
      // no match starting in this line: the next occurrence of the first piece after it
      at0 = end >= s.length ? -1 : s.indexOf(first, end + 1);
    }
    return false;
  };
}
