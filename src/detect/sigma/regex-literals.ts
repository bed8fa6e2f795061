/*
 * Literals a regular expression cannot match without: the prefilter's need for `re` items, so that a rule of regexes
 * is evaluated only for events where one of them was seen. Conservative by construction: only runs of plain ASCII
 * characters of the top-level sequence (each top-level alternative on its own), never a character under a quantifier,
 * inside a group or class, or written as an escape other than escaped punctuation. The RegExp has no `u` flag, so
 * under `i` an ASCII character matches only ASCII characters of either case: the lower-cased literal then occurs in
 * the lower-cased text whenever the expression matches.
 */

/** Punctuation that `\x` turns into itself. */
const PUNCT = new Set('^$.*+?()[]{}|\\/-`"\'#%&,:;<=>@_~! '.split(''));
/** Single characters rare enough in log values to be worth a prefilter need on their own. */
const RARE_SINGLE = new Set('`^~|{}$@#!<>;%&'.split(''));
const QUANT = /^\{\d+(?:,\d*)?\}/;

const isAsciiLiteral = (c: string): boolean => {
  const n = c.charCodeAt(0);
  return n >= 0x20 && n < 0x7f;
};

/** Index just past the group or class opened at `i` (a `(` or `[`); source.length when unclosed. */
function skipBracketed(src: string, i: number): number {
  let depth = 0;
  let inClass = false;
  for (let j = i; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (inClass) {
      if (c === ']') {
        inClass = false;
        if (depth === 0) return j + 1;
      }
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return src.length;
}

/** Runs of literal characters of one top-level alternative; `alts` receives the rest after a top-level `|`. */
function runsOf(src: string): string[][] {
  const branches: string[][] = [[]];
  let cur = '';
  const flush = (): void => {
    if (cur.length > 0) branches[branches.length - 1]?.push(cur);
    cur = '';
  };
  // a quantifier applies to the last character only: drop it from the run, end the run
  const quantified = (): void => {
    cur = cur.slice(0, -1);
    flush();
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i] ?? '';
    if (c === '\\') {
      const d = src[i + 1];
      if (d === undefined) break;
      i++;
      if (PUNCT.has(d)) {
        cur += d;
        continue;
      }
      flush();
      // escapes with a body: skip it so that it is not read as literal text
      if (d === 'x') i += /^[0-9a-fA-F]{2}/.test(src.slice(i + 1, i + 3)) ? 2 : 0;
      else if (d === 'u') i += /^[0-9a-fA-F]{4}/.test(src.slice(i + 1, i + 5)) ? 4 : 0;
      else if (d === 'c') i += /^[a-zA-Z]/.test(src[i + 1] ?? '') ? 1 : 0;
      else if (d === 'k' && src[i + 1] === '<') {
        const e = src.indexOf('>', i);
        i = e < 0 ? src.length : e;
      } else if (d >= '0' && d <= '9') while ((src[i + 1] ?? '') >= '0' && (src[i + 1] ?? '') <= '9') i++;
      continue;
    }
    if (c === '*' || c === '+' || c === '?') {
      quantified();
      continue;
    }
    if (c === '{') {
      const q = QUANT.exec(src.slice(i));
      if (q) {
        quantified();
        i += q[0].length - 1;
      } else flush();
      continue;
    }
    if (c === '(' || c === '[') {
      flush();
      i = skipBracketed(src, i) - 1;
      continue;
    }
    if (c === '|') {
      flush();
      branches.push([]);
      continue;
    }
    if (c === '.' || c === '^' || c === '$' || c === ')' || c === ']' || c === '}' || !isAsciiLiteral(c)) {
      flush();
      continue;
    }
    cur += c;
  }
  flush();
  return branches;
}

const usable = (s: string): boolean => s.length >= 2 || (s.length === 1 && RARE_SINGLE.has(s));

/**
 * Lower-cased literals one of which occurs (lower-cased) in every text `re` matches; undefined when none can be
 * named. Flags other than `i`, `m`, `s` (`u`, `v`, `y`, `g`) give undefined.
 */
export function regexNeed(re: RegExp): string[] | undefined {
  if (/[^ims]/.test(re.flags)) return undefined;
  const out: string[] = [];
  for (const runs of runsOf(re.source)) {
    let best = '';
    for (const r of runs) if (r.length > best.length) best = r;
    if (!usable(best)) return undefined;
    out.push(best.toLowerCase());
  }
  return out.length > 0 ? [...new Set(out)] : undefined;
}
