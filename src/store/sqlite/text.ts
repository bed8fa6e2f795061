/**
 * Full-text semantics shared by the FTS5 index (sealed partitions) and the scan of the hot partition: text is split
 * into lower-cased runs of letters and digits (like FTS5's unicode61 tokenizer); a phrase matches when its tokens
 * appear consecutively; a prefix search matches the last token as a prefix.
 */
const TOKEN = /[\p{L}\p{N}]+/gu;
const MAX_TEXT = 65536;

export function tokenize(text: string): string[] {
  return (text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text).toLowerCase().match(TOKEN) ?? [];
}

export function textMatches(text: string, phrase: string, prefix: boolean): boolean {
  const want = tokenize(phrase);
  if (want.length === 0) return false;
  const have = tokenize(text);
  const last = want.length - 1;
  outer: for (let i = 0; i + want.length <= have.length; i++) {
    for (let j = 0; j <= last; j++) {
      const h = have[i + j] as string;
      const w = want[j] as string;
      if (j === last && prefix ? !h.startsWith(w) : h !== w) continue outer;
    }
    return true;
  }
  return false;
}

/** The FTS5 query string for a phrase: tokens quoted (quotes doubled), with `*` for a prefix search. */
export function ftsQuery(phrase: string, prefix: boolean): string | undefined {
  const toks = tokenize(phrase);
  if (toks.length === 0) return undefined;
  return `"${toks.join(' ').replaceAll('"', '""')}"${prefix ? ' *' : ''}`;
}

/**
 * A LIKE pattern that every matching text satisfies (a cheap prefilter before the exact check). LIKE folds ASCII case
 * only, so only ASCII tokens qualify; and two non-ASCII letters lower-case to ASCII ones (KELVIN SIGN to k, İ to i and
 * a dot), so the pattern is the longest run of an ASCII token without 'i' or 'k'.
 */
export function likePrefilter(phrase: string): string | undefined {
  let run = '';
  for (const tok of tokenize(phrase)) {
    if (!/^[a-z0-9]+$/.test(tok)) continue;
    for (const part of tok.split(/[ik]+/)) if (part.length > run.length) run = part;
  }
  if (run.length === 0) return undefined;
  return `%${run.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
