/** Helpers shared by the query tests: position stripping and a JSON-document target. */
import type { FieldType, SqlTarget } from './target.js';

/** A deep copy without `pos` keys, for comparing AST shapes. */
export function stripPositions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripPositions);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'pos') out[k] = stripPositions(v);
  return out;
}

export function jsonPath(field: string): string {
  return '$.' + field.split('.').map((p) => `"${p}"`).join('.');
}

export const TEST_TYPES: Record<string, FieldType> = {
  '@timestamp': 'date',
  'event.ingested': 'date',
  'source.ip': 'ip',
  'destination.ip': 'ip',
  'related.ip': 'ip',
  'destination.port': 'number',
  'network.bytes': 'number',
  'event.severity': 'number',
  'http.response.status_code': 'number',
  'process.interactive': 'boolean',
  message: 'text',
};

export const TEST_ARRAYS = new Set(['event.category', 'tags', 'related.ip']);

/**
 * Fields live in the JSON column `doc` (`columns` maps some to plain columns instead); text search is a
 * case-insensitive LIKE over the `message` column.
 */
export function jsonTarget(columns: Record<string, string> = {}): SqlTarget {
  return {
    field(name) {
      const type = TEST_TYPES[name] ?? 'keyword';
      const column = columns[name];
      if (column !== undefined) return { kind: 'scalar', sql: column, type };
      if (TEST_ARRAYS.has(name)) return { kind: 'array', json: 'doc', path: jsonPath(name), type };
      return { kind: 'scalar', sql: `json_extract(doc, '${jsonPath(name)}')`, type };
    },
    text({ value }) {
      return { sql: "message LIKE ? ESCAPE '\\'", params: [`%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`] };
    },
  };
}
