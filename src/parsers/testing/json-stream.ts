import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir`, recursively, sorted (test corpora such as SigmaHQ's regression data). */
export function filesUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out.sort();
}

/**
 * The values of a stream of concatenated JSON objects or arrays (evtx_dump output), as their source text; strings and
 * escapes are respected. Anything but white space between values, or an unterminated value, is an error.
 */
export function splitJsonStream(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth++ === 0) start = i;
    } else if (c === '}' || c === ']') {
      if (--depth === 0) out.push(text.slice(start, i + 1));
    } else if (depth === 0 && c !== undefined && !/\s/.test(c)) throw new Error(`stray ${c} at ${i}`);
  }
  if (depth !== 0) throw new Error('unterminated JSON value');
  return out;
}

/** Pretty-printed JSON as one line: raw line breaks only occur between tokens, so they and their indent go. */
export function oneLine(json: string): string {
  return json.replace(/\r?\n[ \t]*/g, '');
}
