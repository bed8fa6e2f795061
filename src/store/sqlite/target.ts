import type { FieldRef, SqlFragment, SqlTarget } from '../../query/target.js';
import { F } from '../../schema/fields.js';
import { fieldType, isArrayField } from '../../schema/types.js';
import { KEY_COLUMNS } from '../row.js';
import { ftsQuery, likePrefilter } from './text.js';

const COLUMN_OF = new Map<string, string>(KEY_COLUMNS.map(([col, field]) => [field, col]));

/** JSON path with every segment quoted: '$."source"."ip"'. */
export function jsonPath(field: string): string {
  return '$.' + field.split('.').map((s) => `"${s.replaceAll('"', '""')}"`).join('.');
}

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * `event.original` as fromRow gives it back: a document may keep only the header before the message (`[header]`), or
 * an array that arrived as the value one level deeper (row.ts, docJson).
 */
const ORIGINAL_SQL = (() => {
  const path = sqlString(jsonPath(F.eventOriginal));
  const inner = sqlString(`${jsonPath(F.eventOriginal)}[0]`);
  return (
    `(CASE WHEN json_type(d.doc, ${path}) = 'array' AND json_array_length(d.doc, ${path}) = 1 ` +
    `THEN (CASE WHEN json_type(d.doc, ${inner}) = 'text' THEN json_extract(d.doc, ${inner}) || coalesce(e.message, '') ` +
    `ELSE json_extract(d.doc, ${inner}) END) ELSE json_extract(d.doc, ${path}) END)`
  );
})();

/**
 * Where fields live in a partition: `e` is the events row (time, key columns, message), `d` the JSON document. A
 * compiled filter that touches `d` makes the query join docs; one that does not reads the narrow table alone.
 */
export class PartitionTarget implements SqlTarget {
  /** set once the filter reads the JSON document */
  usesDoc = false;

  constructor(private readonly indexed: boolean) {}

  field(name: string): FieldRef {
    const type = fieldType(name);
    if (name === F.timestamp) return { kind: 'scalar', sql: 'e.ts', type: 'date' };
    if (name === F.message) return { kind: 'scalar', sql: 'e.message', type };
    const col = COLUMN_OF.get(name);
    if (col) return { kind: 'scalar', sql: `e.${col}`, type };
    this.usesDoc = true;
    if (name === F.eventOriginal) return { kind: 'scalar', sql: ORIGINAL_SQL, type };
    if (isArrayField(name)) return { kind: 'array', json: 'd.doc', path: jsonPath(name), type };
    const extract = `json_extract(d.doc, ${sqlString(jsonPath(name))})`;
    // Dates other than @timestamp are ISO strings in the document; the compiler compares epoch milliseconds.
    if (type === 'date') return { kind: 'scalar', sql: `CAST(round(unixepoch(${extract}, 'subsec') * 1000) AS INTEGER)`, type };
    return { kind: 'scalar', sql: extract, type };
  }

  text(term: { value: string; phrase: boolean; prefix: boolean }): SqlFragment {
    if (this.indexed) {
      const q = ftsQuery(term.value, term.prefix);
      if (q === undefined) return { sql: '0', params: [] };
      return { sql: 'e.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)', params: [q] };
    }
    // The hot partition has no index: a LIKE prefilter in C, then the exact word check.
    const like = likePrefilter(term.value);
    const exact = 'vigil_text(e.message, ?, ?)';
    const prefix = term.prefix ? 1 : 0;
    if (like === undefined) return { sql: exact, params: [term.value, prefix] };
    return { sql: `(e.message LIKE ? ESCAPE '\\' AND ${exact})`, params: [like, term.value, prefix] };
  }
}
