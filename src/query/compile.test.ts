import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFilter } from './compile.js';
import { QueryError } from './errors.js';
import { parseQuery } from './parser.js';
import type { SqlFragment } from './target.js';
import { jsonTarget } from './testing.js';

const compile = (query: string): SqlFragment => compileFilter(parseQuery(query).filter, jsonTarget());
const J = (path: string) => `json_extract(doc, '${path}')`;
const EACH = (path: string, cond: string) => `EXISTS (SELECT 1 FROM json_each(doc, ?) AS vigil_je WHERE ${cond})`;
const LIKE = "message LIKE ? ESCAPE '\\'";

const golden: [string, string, (string | number | null)[]][] = [
  ['*', '1', []],
  ['', '1', []],
  ['user.name:root', `${J('$."user"."name"')} = ?`, ['root']],
  ['user.name:"Root User"', `${J('$."user"."name"')} = ?`, ['Root User']],
  ['user.name:svc\\:backup', `${J('$."user"."name"')} = ?`, ['svc:backup']],
  ['host.name:web-*', `${J('$."host"."name"')} GLOB ?`, ['web-*']],
  ['host.name:web-0?', `${J('$."host"."name"')} GLOB ?`, ['web-0?']],
  ['url.path:/a[1]/*', `${J('$."url"."path"')} GLOB ?`, ['/a[[]1[]]/*']],
  ['file.name:a\\*b*', `${J('$."file"."name"')} GLOB ?`, ['a[*]b*']],
  ['file.name:"a*b"', `${J('$."file"."name"')} = ?`, ['a*b']],
  ['file.name:a\\*b', `${J('$."file"."name"')} = ?`, ['a*b']],
  ['user.name:*', `${J('$."user"."name"')} IS NOT NULL`, []],
  ['user.name > m', `${J('$."user"."name"')} > ?`, ['m']],
  ['seq:5', `${J('$."seq"')} IN (?, ?)`, ['5', 5]],
  ['seq:"5"', `${J('$."seq"')} = ?`, ['5']],
  ['message:5', `${J('$."message"')} = ?`, ['5']],
  ['seq > 5', `CASE WHEN typeof(${J('$."seq"')}) IN ('integer', 'real') THEN ${J('$."seq"')} > ? ELSE ${J('$."seq"')} > ? END`, [5, '5']],
  ['seq <= "5"', `${J('$."seq"')} <= ?`, ['5']],
  ['source.ip:10.0.0.0/8', `vigil_cidr(${J('$."source"."ip"')}, ?)`, ['10.0.0.0/8']],
  ['source.ip:10.1.2.3/8', `vigil_cidr(${J('$."source"."ip"')}, ?)`, ['10.0.0.0/8']],
  ['source.ip:2001:DB8::/32', `vigil_cidr(${J('$."source"."ip"')}, ?)`, ['2001:db8::/32']],
  ['source.ip:10.0.0.1', `${J('$."source"."ip"')} = ?`, ['10.0.0.1']],
  ['source.ip:2001:DB8:0:0::1', `${J('$."source"."ip"')} = ?`, ['2001:db8::1']],
  ['source.ip:10.0.*', `${J('$."source"."ip"')} GLOB ?`, ['10.0.*']],
  ['destination.port:22', `${J('$."destination"."port"')} = ?`, [22]],
  ['destination.port >= 1024', `${J('$."destination"."port"')} >= ?`, [1024]],
  ['network.bytes < 1.5e3', `${J('$."network"."bytes"')} < ?`, [1500]],
  ['@timestamp >= 2024-01-01T00:00:00Z', `${J('$."@timestamp"')} >= ?`, [Date.UTC(2024, 0, 1)]],
  ['@timestamp < 2024-01-02', `${J('$."@timestamp"')} < ?`, [Date.UTC(2024, 0, 2)]],
  ['@timestamp:2024-01-01T02:00:00+02:00', `${J('$."@timestamp"')} = ?`, [Date.UTC(2024, 0, 1)]],
  ['@timestamp:"2024-01-01T00:00:00.123456Z"', `${J('$."@timestamp"')} = ?`, [Date.UTC(2024, 0, 1) + 123]],
  ['@timestamp > 1704067200000', `${J('$."@timestamp"')} > ?`, [1704067200000]],
  ['process.interactive:TRUE', `${J('$."process"."interactive"')} = ?`, [1]],
  ['process.interactive:false', `${J('$."process"."interactive"')} = ?`, [0]],
  ['event.category:authentication', EACH('', 'vigil_je.value = ?'), ['$."event"."category"', 'authentication']],
  ['event.category:auth*', EACH('', 'vigil_je.value GLOB ?'), ['$."event"."category"', 'auth*']],
  ['event.category:*', EACH('', 'vigil_je.value IS NOT NULL'), ['$."event"."category"']],
  ['related.ip:10.0.0.0/8', EACH('', 'vigil_cidr(vigil_je.value, ?)'), ['$."related"."ip"', '10.0.0.0/8']],
  ['"Failed password"', LIKE, ['%Failed password%']],
  ['fail*', LIKE, ['%fail%']],
  ['100\\%', LIKE, ['%100\\%%']],
  ['not user.name:root', `NOT COALESCE((${J('$."user"."name"')} = ?), 0)`, ['root']],
  [
    'user.name:(root or admin) and not source.ip:10.0.0.0/8',
    `((${J('$."user"."name"')} = ?) OR (${J('$."user"."name"')} = ?)) AND (NOT COALESCE((vigil_cidr(${J('$."source"."ip"')}, ?)), 0))`,
    ['root', 'admin', '10.0.0.0/8'],
  ],
  [
    'event.category:authentication and destination.port > 1000',
    `(${EACH('', 'vigil_je.value = ?')}) AND (${J('$."destination"."port"')} > ?)`,
    ['$."event"."category"', 'authentication', 1000],
  ],
];

for (const [query, sql, params] of golden) {
  void test(`compiles ${JSON.stringify(query)}`, () => {
    assert.deepEqual(compile(query), { sql, params });
  });
}

void test('never splices values into SQL', () => {
  const { sql, params } = compile(`user.name:"x' OR 1=1 --" or host.name:"a\\"b"`);
  assert.ok(!sql.includes('OR 1=1'));
  assert.deepEqual(params, ["x' OR 1=1 --", 'a"b']);
});

const invalid: [string, string, number][] = [
  ['source.ip:10.0.0.0/33', 'VIGIL_ERR_QUERY_INVALID', 10],
  ['source.ip:10.0.0/8', 'VIGIL_ERR_QUERY_INVALID', 10],
  ['x:1 or source.ip:"fe80::/xx"', 'VIGIL_ERR_QUERY_INVALID', 17],
  ['source.ip:web01', 'VIGIL_ERR_QUERY_INVALID', 10],
  ['source.ip > 10.0.0.1', 'VIGIL_ERR_QUERY_INVALID', 0],
  ['process.interactive < true', 'VIGIL_ERR_QUERY_INVALID', 0],
  ['process.interactive:yes', 'VIGIL_ERR_QUERY_INVALID', 20],
  ['destination.port:ssh', 'VIGIL_ERR_QUERY_INVALID', 17],
  ['destination.port:2*', 'VIGIL_ERR_QUERY_INVALID', 17],
  ['destination.port > "1e999"', 'VIGIL_ERR_QUERY_INVALID', 19],
  ['@timestamp > yesterday', 'VIGIL_ERR_QUERY_INVALID', 13],
  ['@timestamp > 2024-02-30', 'VIGIL_ERR_QUERY_INVALID', 13],
  ['@timestamp > 2024-01-01T10:00:00', 'VIGIL_ERR_QUERY_INVALID', 13],
  ['""', 'VIGIL_ERR_QUERY_INVALID', 0],
  ['f*il', 'VIGIL_ERR_QUERY_UNSUPPORTED', 0],
  ['fa?l', 'VIGIL_ERR_QUERY_UNSUPPORTED', 0],
];

for (const [query, code, position] of invalid) {
  void test(`refuses ${JSON.stringify(query)}`, () => {
    assert.throws(
      () => compile(query),
      (err: unknown) => err instanceof QueryError && err.code === code && err.position === position,
    );
  });
}
