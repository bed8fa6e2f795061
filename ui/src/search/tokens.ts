/** A lexer for highlighting the query bar (not the server's parser: it never fails, and marks what it cannot read). */

export type TokenKind = 'space' | 'field' | 'op' | 'string' | 'pipe' | 'stage' | 'number' | 'punct' | 'cmp' | 'word' | 'error';
export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
}

const STAGES = new Set(['stats', 'sort', 'head', 'fields', 'where', 'timechart', 'top', 'rare', 'tail', 'eval', 'dedup', 'table', 'rename']);
const OPS = new Set(['and', 'or', 'not', 'by', 'as']);
/** Longest query highlighted token by token; the rest is shown as one plain token. */
const MAX = 10_000;

export function tokenize(q: string): Token[] {
  const out: Token[] = [];
  const n = Math.min(q.length, MAX);
  let i = 0;
  let afterPipe = false;
  while (i < n) {
    const c = q[i] as string;
    const start = i;
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(q[i] as string)) i++;
      out.push({ kind: 'space', text: q.slice(start, i), start });
      continue;
    }
    if (c === '"') {
      i++;
      while (i < n && q[i] !== '"') i += q[i] === '\\' ? 2 : 1;
      const closed = i < n;
      if (closed) i++;
      out.push({ kind: closed ? 'string' : 'error', text: q.slice(start, Math.min(i, n)), start });
      continue;
    }
    if (c === '|') {
      i++;
      out.push({ kind: 'pipe', text: '|', start });
      afterPipe = true;
      continue;
    }
    if (c === '>' || c === '<' || c === '=' || c === '!') {
      i++;
      if (q[i] === '=') i++;
      out.push({ kind: 'cmp', text: q.slice(start, i), start });
      continue;
    }
    if ('():,[]'.includes(c)) {
      i++;
      out.push({ kind: 'punct', text: c, start });
      continue;
    }
    while (i < n && !/[\s"|()<>=!:,[\]]/.test(q[i] as string)) i++;
    if (i === start) i++;
    const text = q.slice(start, i);
    let kind: TokenKind = 'word';
    if (afterPipe && STAGES.has(text.toLowerCase())) {
      kind = 'stage';
      afterPipe = false;
    } else if (OPS.has(text.toLowerCase())) kind = 'op';
    else if (q[i] === ':' || /^\s*(>=|<=|>|<|!=|=)/.test(q.slice(i, i + 4))) kind = 'field';
    else if (/^-?\d+(\.\d+)?$/.test(text)) kind = 'number';
    out.push({ kind, text, start });
  }
  if (n < q.length) out.push({ kind: 'word', text: q.slice(n), start: n });
  return out;
}

/** The word the caret is in and what it completes: a field name, or a value of `field`. */
export interface Completing {
  kind: 'field' | 'value';
  field?: string;
  prefix: string;
  start: number;
  end: number;
}

export function completing(q: string, caret: number): Completing | undefined {
  // only the last 200 characters matter, and bound the regex work to them
  const before = q.slice(Math.max(0, caret - 200), caret);
  // a value after field: (possibly quoted, partial)
  const v = /([A-Za-z_@][\w.@-]*):\s*"?([^\s"():]*)$/.exec(before);
  if (v) {
    const prefix = v[2] ?? '';
    return { kind: 'value', field: v[1] as string, prefix, start: caret - prefix.length, end: caret };
  }
  const f = /(?:^|[\s(|,])([A-Za-z_@][\w.@-]*)$/.exec(before);
  if (f) {
    const prefix = f[1] as string;
    if (/^(and|or|not)$/i.test(prefix)) return undefined;
    return { kind: 'field', prefix, start: caret - prefix.length, end: caret };
  }
  return undefined;
}

/** Splits off the filter part of a query (before the first `|` outside quotes) and reports whether stages follow. */
export function splitQuery(q: string): { filter: string; stages: string } {
  let inStr = false;
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (c === '\\' && inStr) i++;
    else if (c === '"') inStr = !inStr;
    else if (c === '|' && !inStr) return { filter: q.slice(0, i).trim() || '*', stages: q.slice(i + 1).trim() };
  }
  return { filter: q.trim() || '*', stages: '' };
}
