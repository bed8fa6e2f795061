import type { Value } from './ast.js';

/** A value split into literal text and unescaped wildcards (quoted values never hold wildcards). */
export type Piece = { literal: string } | { wildcard: '*' | '?' };

export function valuePieces(v: Value): Piece[] {
  const pieces: Piece[] = [];
  let literal = '';
  const raw = v.raw;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === '\\' && i + 1 < raw.length) {
      literal += raw[++i] as string;
    } else if (!v.quoted && (c === '*' || c === '?')) {
      if (literal !== '') pieces.push({ literal });
      literal = '';
      pieces.push({ wildcard: c });
    } else {
      literal += c;
    }
  }
  if (literal !== '') pieces.push({ literal });
  return pieces;
}

/** The literal text of a value: escapes resolved, wildcard characters kept as they are. */
export function valueText(v: Value): string {
  return valuePieces(v)
    .map((p) => ('literal' in p ? p.literal : p.wildcard))
    .join('');
}

/** A SQLite GLOB pattern: wildcards kept, every other GLOB metacharacter matched literally. */
export function globPattern(v: Value): string {
  return valuePieces(v)
    .map((p) => ('literal' in p ? p.literal.replace(/[[\]*?]/g, (c) => `[${c}]`) : p.wildcard))
    .join('');
}

/** True when unquoted source text holds an unescaped `*` or `?`. */
export function hasWildcard(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
  }
  return false;
}

const KEYWORDS = new Set(['and', 'or', 'not']);

/** `and`, `or`, `not` in any case, written without escapes. */
export function isKeyword(raw: string): boolean {
  return KEYWORDS.has(raw.toLowerCase());
}
