/** Characters of the query shown on each side of the position. */
const WINDOW = 60;

/**
 * Two lines that point at a position in a query: the query (a window around the position when it is long, with
 * control characters and line breaks shown as spaces) and a caret under the position.
 */
export function caretLines(query: string, position: number, indent = '  '): string {
  const pos = Math.max(0, Math.min(position, query.length));
  const start = Math.max(0, pos - WINDOW);
  const end = Math.min(query.length, pos + WINDOW);
  const before = start > 0 ? '…' : '';
  const after = end < query.length ? '…' : '';
  // eslint-disable-next-line no-control-regex
  const shown = query.slice(start, end).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return `${indent}${before}${shown}${after}\n${indent}${' '.repeat(before.length + pos - start)}^\n`;
}
