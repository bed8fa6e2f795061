import { setPath } from '../schema/event.js';
import type { LineFormat } from './message-parser.js';

/*
 * Generic key=value lines: `a=1 b="two words" c='x y' d=`. Values are bare (up to the next whitespace) or quoted with
 * `"` or `'` (a backslash escapes the next character). Tokens without `=` are skipped. Read in one forward pass; at
 * most MAX_KV_PAIRS pairs are kept, keys are at most MAX_KV_KEY characters of `[A-Za-z0-9_.-]` and never start or end
 * with a dot; at most MAX_KV_TOKENS tokens are read. Only used when named explicitly (`--format kv`): the shape is
 * too common to be sniffed.
 */

export const KV_ROOT = 'kv';
export const MAX_KV_PAIRS = 256;
export const MAX_KV_KEY = 64;
/** tokens read at most (pairs and words without `=`), so a line of many short words costs little */
export const MAX_KV_TOKENS = 1024;

const KEY = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

// sticky single-class patterns: each advances once over its run, with nothing to backtrack into
const SPACES = /[ \t\r\n]*/y;
const TOKEN = /[^ \t\r\n=]*/y;
const BARE = /[^ \t\r\n]*/y;

/** Where the run matched by `re` at `from` ends (a failed match would reset lastIndex to 0, so none is attempted). */
function runEnd(re: RegExp, line: string, from: number): number {
  if (from >= line.length) return line.length;
  re.lastIndex = from;
  return re.exec(line) === null ? from : re.lastIndex;
}

/** Index of the quote `q` closing a value that starts at `from` (not escaped by a backslash), or the line's end. */
function closingQuote(line: string, q: string, from: number): number {
  let at = line.indexOf(q, from);
  while (at !== -1) {
    let backslashes = 0;
    for (let j = at - 1; j >= from && line[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = line.indexOf(q, at + 1);
  }
  return line.length;
}

/** The pairs of a key=value line, in order (a repeated key keeps its last value). */
export function splitKv(line: string): [string, string][] {
  const out: [string, string][] = [];
  const n = line.length;
  let i = runEnd(SPACES, line, 0);
  let tokens = 0;
  while (i < n && out.length < MAX_KV_PAIRS && tokens++ < MAX_KV_TOKENS) {
    const keyStart = i;
    i = runEnd(TOKEN, line, i);
    if (line[i] !== '=') {
      // a token without '=' (or a lone '=' run): skip to the next white space
      i = runEnd(SPACES, line, Math.max(runEnd(BARE, line, i), i + 1));
      continue;
    }
    const key = line.slice(keyStart, i);
    i++;
    let value: string;
    const q = line[i];
    if (q === '"' || q === "'") {
      const end = closingQuote(line, q, i + 1);
      const raw = line.slice(i + 1, end);
      value = raw.includes('\\') ? raw.replace(/\\([\s\S])/g, '$1') : raw;
      i = end + 1;
    } else {
      const end = runEnd(BARE, line, i);
      value = line.slice(i, end);
      i = end;
    }
    if (key.length > 0 && key.length <= MAX_KV_KEY && KEY.test(key)) out.push([key, value]);
    i = runEnd(SPACES, line, i);
  }
  return out;
}

/** key=value lines, their pairs under `kv.*`. */
export const kvFormat: LineFormat = {
  name: 'kv',
  dataset: 'kv',
  sniff: () => false,
  parse(line, event) {
    const pairs = splitKv(line);
    if (pairs.length === 0) return false;
    for (const [k, v] of pairs) setPath(event, `${KV_ROOT}.${k}`, v);
    return true;
  },
};
