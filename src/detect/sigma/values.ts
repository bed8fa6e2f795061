import type { SigmaValue, StringPart } from './model.js';

/*
 * Sigma value types. Strings: `*` any run, `?` one character; backslash escapes `*`, `?` and itself; a backslash
 * before anything else (or at the end) is a plain backslash (spec: Escape Character).
 */

/** Parses Sigma string text into literal/wildcard parts (adjacent literals merged). */
export function parseSigmaString(raw: string): StringPart[] {
  const parts: StringPart[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit.length > 0) parts.push({ t: 'lit', s: lit });
    lit = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (c === '\\') {
      const n = raw[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else lit += '\\';
    } else if (c === '*') {
      flush();
      // consecutive stars are one
      if (parts[parts.length - 1]?.t !== 'star') parts.push({ t: 'star' });
    } else if (c === '?') {
      flush();
      parts.push({ t: 'one' });
    } else lit += c;
  }
  flush();
  return parts;
}

/** Sigma string text for parts (escaping what needs it): the inverse of parseSigmaString. */
export function printSigmaString(parts: readonly StringPart[]): string {
  return parts.map((p) => (p.t === 'star' ? '*' : p.t === 'one' ? '?' : p.s.replace(/\\(?=[*?\\]|$)|[*?]/g, '\\$&'))).join('');
}

export function stringValue(raw: string): SigmaValue {
  return { kind: 'string', raw, parts: parseSigmaString(raw) };
}

/** A plain literal string value (no wildcards), for values produced by modifiers. */
export function literalValue(s: string): SigmaValue {
  return { kind: 'string', raw: printSigmaString([{ t: 'lit', s }]), parts: s.length > 0 ? [{ t: 'lit', s }] : [] };
}

/** True when the string value has no wildcard parts. */
export function isPlain(parts: readonly StringPart[]): boolean {
  return parts.every((p) => p.t === 'lit');
}

/** The literal text of plain parts. */
export function plainText(parts: readonly StringPart[]): string {
  return parts.map((p) => (p.t === 'lit' ? p.s : '')).join('');
}

/** Text form of any value, as compared with event values (numbers as written: `0x17` stays `0x17`). */
export function valueText(v: SigmaValue): string | undefined {
  switch (v.kind) {
    case 'string':
      return plainText(v.parts);
    case 'number':
      return v.raw;
    case 'bool':
      return String(v.value);
    case 'null':
      return undefined;
  }
}
