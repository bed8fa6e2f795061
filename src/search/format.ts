import type { Cell } from './table.js';

/** Characters a cell shows at most in a terminal table. */
const MAX_CELL = 60;

function show(c: Cell): string {
  if (c === null) return '';
  if (Array.isArray(c)) return c.map(show).join(', ');
  return String(c);
}

/**
 * A plain-text table: a header, a rule, and the rows, columns padded to their widest cell (cut at 60 characters),
 * numbers right-aligned. `clean` makes values from logs safe for a terminal.
 */
export function formatTable(columns: readonly string[], rows: readonly Cell[][], clean: (s: string) => string = (s) => s): string {
  const text = rows.map((r) => columns.map((_, i) => cut(clean(show(r[i] ?? null)))));
  const head = columns.map((c) => cut(clean(c)));
  const widths = head.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] as string).length)));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)].join('\n') + '\n';
}

function cut(s: string): string {
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
}
