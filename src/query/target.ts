/**
 * How a compiled filter reaches the data. The store supplies a target per partition layout; the compiler only asks
 * it where a field lives and how to search the message.
 */

export type FieldType = 'keyword' | 'text' | 'ip' | 'number' | 'date' | 'boolean';

/**
 * Where a field's value is.
 * - `scalar`: `sql` is an SQL expression giving the value (a column, or `json_extract(...)`). For `date` fields it
 *   must give epoch milliseconds; for `boolean` fields 1/0.
 * - `array`: the value may be a JSON array; the filter matches when any element matches. `json` is an SQL expression
 *   giving the JSON document and `path` a JSON path (e.g. `$."event"."category"`); the compiler binds `path` as a
 *   parameter of `json_each(<json>, ?)`. A non-array value at that path counts as a one-element list.
 */
export type FieldRef =
  | { kind: 'scalar'; sql: string; type: FieldType }
  | { kind: 'array'; json: string; path: string; type: FieldType };

export interface SqlFragment {
  sql: string;
  params: (string | number | null)[];
}

export interface SqlTarget {
  /** Where field `name` lives. Names are validated by the parser: letters, digits, `_`, `.`, `@`, `-`. */
  field(name: string): FieldRef;
  /** full-text condition over the event message for one word or phrase (prefix: trailing * on a bare word) */
  text(term: { value: string; phrase: boolean; prefix: boolean }): SqlFragment;
}

export { compileFilter } from './compile.js';
