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

function fieldRef(name: string): FieldRef {
  const type = fieldType(name);
  if (name === F.timestamp) return { kind: 'scalar', sql: 'ts', type: 'date' };
  if (name === F.message) return { kind: 'scalar', sql: 'message', type };
  const col = COLUMN_OF.get(name);
  if (col) return { kind: 'scalar', sql: col, type };
  if (isArrayField(name)) return { kind: 'array', json: 'doc', path: jsonPath(name), type };
  return { kind: 'scalar', sql: `json_extract(doc, ${sqlString(jsonPath(name))})`, type };
}

/** Sealed partitions: key columns are indexed and the message is in the FTS5 index. */
export const sealedTarget: SqlTarget = {
  field: fieldRef,
  text(term): SqlFragment {
    const q = ftsQuery(term.value, term.prefix);
    if (q === undefined) return { sql: '0', params: [] };
    return { sql: 'id IN (SELECT rowid FROM fts WHERE fts MATCH ?)', params: [q] };
  },
};

/** The hot partition has no index: a LIKE prefilter in C, then the exact token check. */
export const hotTarget: SqlTarget = {
  field: fieldRef,
  text(term): SqlFragment {
    const like = likePrefilter(term.value);
    const exact = 'vigil_text(message, ?, ?)';
    const prefix = term.prefix ? 1 : 0;
    if (like === undefined) return { sql: exact, params: [term.value, prefix] };
    return { sql: `(message LIKE ? ESCAPE '\\' AND ${exact})`, params: [like, term.value, prefix] };
  },
};
