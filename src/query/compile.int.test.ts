import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { cidrContains } from './cidr.js';
import { compileFilter } from './compile.js';
import { parseQuery } from './parser.js';
import { jsonTarget } from './testing.js';

type Doc = Record<string, unknown>;

const auth = (outcome: string, extra: Doc): Doc => ({
  event: { dataset: 'sshd', category: ['authentication'], outcome, action: 'ssh_login' },
  destination: { port: 22 },
  ...extra,
});
const flow = (src: string, dst: string, port: number, transport: string, bytes: number): Doc => ({
  event: { dataset: 'netflow', category: ['network'] },
  source: { ip: src },
  destination: { ip: dst, port },
  network: { transport, bytes },
});

/** Event id → [document without @timestamp, message]. Event n happens at 2024-01-01T00:00Z + n hours. */
const EVENTS: Record<number, [Doc, string]> = {
  1: [auth('failure', { user: { name: 'root' }, source: { ip: '10.0.0.5', port: 50022 }, host: { name: 'web-01' }, related: { ip: ['10.0.0.5'] } }), 'Failed password for root from 10.0.0.5 port 50022 ssh2'],
  2: [auth('success', { user: { name: 'admin' }, source: { ip: '192.168.1.10' }, host: { name: 'web-01' } }), 'Accepted publickey for admin from 192.168.1.10'],
  3: [auth('failure', { user: { name: 'admin' }, source: { ip: '2001:db8::1' }, host: { name: 'web-02' } }), 'Failed password for admin from 2001:db8::1'],
  4: [{ event: { dataset: 'sudo', category: ['authentication'], outcome: 'success', action: 'sudo' }, user: { name: 'alice' }, host: { name: 'db-01' }, process: { interactive: true, parent: { pid: 1200 } } }, 'alice : TTY=pts/0 ; USER=root ; COMMAND=/bin/ls'],
  5: [flow('10.1.2.3', '8.8.8.8', 53, 'udp', 1200), 'flow'],
  6: [flow('172.16.0.1', '10.0.0.9', 443, 'tcp', 50000), 'flow'],
  7: [{ ...flow('2001:db8:1::5', '2001:4860::8888', 443, 'tcp', 700), related: { ip: ['2001:db8:1::5', '2001:4860::8888'] } }, 'flow'],
  8: [{ event: { dataset: 'apache.access', category: ['web'] }, host: { name: 'web-01' }, url: { path: '/admin[1]' }, http: { response: { status_code: 404 } }, source: { ip: '203.0.113.7' } }, 'GET /admin[1] HTTP/1.1 404'],
  9: [{ event: { dataset: 'apache.access', category: ['web'] }, host: { name: 'web-3' }, url: { path: '/index.html' }, http: { response: { status_code: 200 } }, source: { ip: '198.51.100.20' } }, 'GET /index.html HTTP/1.1 200'],
  10: [{ event: { dataset: 'syslog', original: 'garbage *star* 100%' }, tags: ['_parse_failure'] }, 'garbage *star* 100%'],
  11: [auth('failure', { user: { name: 'Root' }, source: { ip: '10.0.0.6' }, host: { name: 'web-02' } }), 'Failed password for Root from 10.0.0.6'],
  12: [{ event: { dataset: 'pam', category: 'authentication' }, user: { name: 'root' } }, 'pam_unix(su:session): session opened for user root'],
  13: [{ event: { dataset: 'suricata.eve', category: ['network', 'intrusion_detection'], severity: 3 }, source: { ip: '::ffff:10.0.0.7' }, destination: { ip: '10.0.0.9', port: 80 }, related: { ip: ['::ffff:10.0.0.7', '10.0.0.9'] } }, 'ET SCAN Nmap'],
  14: [{ event: { dataset: 'file', category: ['file'] }, file: { name: 'a*b.txt' }, host: { name: 'db-01' } }, 'created a*b.txt'],
  15: [{ event: { kind: 'alert', dataset: 'vigil', severity: 73 }, rule: { name: 'Brute force' }, user: { name: 'root' }, source: { ip: '10.0.0.5' } }, 'Brute force against root'],
  16: [{ event: { dataset: 'cron' }, user: { name: 'svc:backup' }, host: { name: 'db-01' }, process: { parent: { pid: '300' } } }, 'backup started'],
  17: [{ event: { dataset: 'sudo', category: ['authentication'], outcome: 'failure' }, user: { name: 'bob' }, process: { interactive: false, parent: { pid: 87 } } }, 'bob : 3 incorrect password attempts'],
  18: [{ event: { dataset: 'test', category: [] }, source: { ip: '10.0.0.300' } }, 'odd'],
  19: [auth('success', { user: { name: '' }, source: { ip: '2001:db8:ffff::1' } }), 'Accepted password'],
  20: [flow('10.255.255.255', '192.0.2.1', 1024, 'tcp', 0), 'flow'],
};

const ALL = Object.keys(EVENTS).map(Number);
const except = (...ids: number[]) => ALL.filter((id) => !ids.includes(id));

const CASES: [string, number[]][] = [
  ['*', ALL],
  ['event.category:authentication', [1, 2, 3, 4, 11, 12, 17, 19]],
  ['event.category:authentication and event.outcome:failure', [1, 3, 11, 17]],
  ['event.category:authentication and event.outcome:failure and not source.ip:10.0.0.0/8', [3, 17]],
  ['user.name:(root or admin)', [1, 2, 3, 12, 15]],
  ['user.name:root', [1, 12, 15]],
  ['not user.name:root', except(1, 12, 15)],
  ['user.name:*', [1, 2, 3, 4, 11, 12, 15, 16, 17, 19]],
  ['not user.name:*', except(1, 2, 3, 4, 11, 12, 15, 16, 17, 19)],
  ['user.name < b', [2, 3, 4, 11, 19]],
  ['user.name:svc:backup', [16]],
  ['user.name:svc\\:backup', [16]],
  ['host.name:web-*', [1, 2, 3, 8, 9, 11]],
  ['host.name:web-0?', [1, 2, 3, 8, 11]],
  ['host.name:(web-* and not web-01)', [3, 9, 11]],
  ['destination.port >= 1024', [20]],
  ['destination.port < 100', [1, 2, 3, 5, 11, 13, 19]],
  ['destination.port:443 and network.transport:tcp', [6, 7]],
  ['network.bytes:0', [20]],
  ['network.bytes > 1000', [5, 6]],
  ['http.response.status_code >= 400', [8]],
  ['event.severity > 50', [15]],
  ['source.ip:10.0.0.0/8', [1, 5, 11, 13, 15, 20]],
  ['source.ip:10.0.0.0/24', [1, 11, 13, 15]],
  ['source.ip:2001:db8::/32', [3, 7, 19]],
  ['source.ip:2001:db8::1', [3]],
  ['source.ip:"2001:DB8:0::1"', [3]],
  ['source.ip:10.0.0.*', [1, 11, 15, 18]],
  ['destination.ip:10.0.0.9', [6, 13]],
  ['related.ip:10.0.0.0/8', [1, 13]],
  ['related.ip:2001:4860::8888', [7]],
  ['event.category:network', [5, 6, 7, 13, 20]],
  ['event.category:(network and intrusion_detection)', [13]],
  ['event.category:*', except(10, 15, 16, 18)],
  ['not event.category:*', [10, 15, 16, 18]],
  ['tags:_parse_failure', [10]],
  ['file.name:a\\*b.txt', [14]],
  ['file.name:"a*b.txt"', [14]],
  ['file.name:a\\*b*', [14]],
  ['file.name:ab*', []],
  ['url.path:/admin[1]', [8]],
  ['url.path:/admin[1]*', [8]],
  ['url.path:/admin?1?', [8]],
  // process.parent.pid has no type in the schema: compared as stored (numbers numerically, strings as strings)
  ['process.parent.pid:1200', [4]],
  ['process.parent.pid:300', [16]],
  ['process.parent.pid:"1200"', []],
  ['process.parent.pid > 100', [4, 16]],
  ['process.parent.pid < 100', [17]],
  ['process.interactive:true', [4]],
  ['process.interactive:false', [17]],
  ['not process.interactive:true', except(4)],
  ['@timestamp >= 2024-01-01T18:00:00Z', [18, 19, 20]],
  ['@timestamp:2024-01-01T05:00:00Z', [5]],
  ['@timestamp < 2024-01-01T03:00:00+01:00', [1]],
  ['@timestamp >= 2024-01-01 and @timestamp < 1704078000000', [1, 2]],
  ['"Failed password"', [1, 3, 11]],
  ['fail*', [1, 3, 11]],
  ['"100%"', [10]],
  ['password and not "Failed password"', [17, 19]],
  ['event.dataset:sshd and not (user.name:root or source.ip:10.0.0.0/8)', [2, 3, 19]],
  ['event.kind:alert or (event.dataset:netflow and network.bytes < 1000)', [7, 15, 20]],
];

function openEvents(): Database.Database {
  const db = new Database(':memory:');
  db.function('vigil_cidr', { deterministic: true }, (ip: unknown, cidr: unknown) =>
    typeof ip === 'string' && typeof cidr === 'string' && cidrContains(ip, cidr) ? 1 : 0,
  );
  db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, doc TEXT NOT NULL, message TEXT)');
  const insert = db.prepare('INSERT INTO events (id, ts, doc, message) VALUES (?, ?, ?, ?)');
  for (const [id, [doc, message]] of Object.entries(EVENTS)) {
    const ts = Date.UTC(2024, 0, 1, Number(id));
    insert.run(Number(id), ts, JSON.stringify({ '@timestamp': new Date(ts).toISOString(), ...doc }), message);
  }
  return db;
}

const db = openEvents();
after(() => db.close());
// `@timestamp` lives in an integer column of epoch milliseconds, as in the store; everything else in the JSON.
const target = jsonTarget({ '@timestamp': 'ts' });

for (const [query, expected] of CASES) {
  void test(`${query} selects ${JSON.stringify(expected)}`, () => {
    const { sql, params } = compileFilter(parseQuery(query).filter, target);
    const rows = db.prepare(`SELECT id FROM events WHERE ${sql} ORDER BY id`).pluck().all(...params) as number[];
    assert.deepEqual(rows, expected, `${sql}\n${JSON.stringify(params)}`);
  });
}
