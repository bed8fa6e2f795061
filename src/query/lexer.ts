import { parseError } from './errors.js';

export type TokenKind = 'word' | 'string' | 'lparen' | 'rparen' | 'colon' | 'op' | 'pipe' | 'comma' | 'eof';

export interface Token {
  kind: TokenKind;
  /** source text; for a string, the text between the quotes with escapes kept */
  text: string;
  start: number;
  end: number;
  /** whitespace separates this token from the previous one (or it starts the query after whitespace) */
  spaced: boolean;
}

const SPACE = /\s/;
/** Characters that end an unquoted word unless escaped with a backslash. */
const DELIMITERS = new Set(['(', ')', ':', '"', '|', '<', '>']);

/**
 * Splits a query into tokens. Keywords (`and`, `or`, `not`) are words; the parser decides what they mean. After the
 * first `|` (in the pipe stages) a `,` is a token of its own; in the filter it is part of a word, as it always was.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaced = false;
  let stages = false;
  const push = (kind: TokenKind, start: number, end: number, tokenText = text.slice(start, end)): void => {
    tokens.push({ kind, text: tokenText, start, end, spaced });
    spaced = false;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (SPACE.test(c)) {
      spaced = true;
      i++;
    } else if (c === '(') {
      push('lparen', i, ++i);
    } else if (c === ')') {
      push('rparen', i, ++i);
    } else if (c === ':') {
      push('colon', i, ++i);
    } else if (c === '|') {
      push('pipe', i, ++i);
      stages = true;
    } else if (c === ',' && stages) {
      push('comma', i, ++i);
    } else if (c === '<' || c === '>') {
      const end = text[i + 1] === '=' ? i + 2 : i + 1;
      push('op', i, end);
      i = end;
    } else if (c === '"') {
      const end = readString(text, i);
      push('string', i, end, text.slice(i + 1, end - 1));
      i = end;
    } else {
      const end = readWord(text, i, stages);
      push('word', i, end);
      i = end;
    }
  }
  push('eof', text.length, text.length, '');
  return tokens;
}

/** Returns the offset just past the closing quote of the string opened at `start`. */
function readString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i + 1;
  }
  throw parseError('unterminated quoted string', start, "'\"'");
}

function readWord(text: string, start: number, stages: boolean): number {
  let i = start;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\') {
      if (i + 1 >= text.length) throw parseError("unexpected end of query after '\\'", i + 1, "a character after '\\'");
      i += 2;
    } else if (SPACE.test(c) || DELIMITERS.has(c) || (stages && c === ',')) {
      break;
    } else {
      i++;
    }
  }
  return i;
}
