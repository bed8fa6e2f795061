import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { SqliteStore } from '../../store/sqlite/index.js';
import { sampleEvents } from '../../store/store.case.js';

const VIGIL = fileURLToPath(new URL('../../../bin/vigil.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-search-cli-'));

function vigil(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [VIGIL, 'search', '--data-dir', dir, ...args], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', HOME: dir }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  const store = new SqliteStore({ dir: join(dir, 'store'), sync: 'normal' });
  await store.open();
  await store.append(sampleEvents(100));
  await store.close();
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** The expected groups, computed from the sample events in plain code. */
function expectedGroups(): (string | number)[][] {
  const groups = new Map<string, { host: string; outcome: string; n: number; ips: Set<string> }>();
  for (const { event } of sampleEvents(100)) {
    const host = (event['host'] as { name: string }).name;
    const outcome = (event['event'] as { outcome: string }).outcome;
    const g = groups.get(`${host}/${outcome}`) ?? { host, outcome, n: 0, ips: new Set<string>() };
    g.n++;
    g.ips.add((event['source'] as { ip: string }).ip);
    groups.set(`${host}/${outcome}`, g);
  }
  return [...groups.values()].sort((a, b) => a.host.localeCompare(b.host) || b.n - a.n).map((g) => [g.host, g.outcome, g.n, g.ips.size]);
}

void test('vigil search prints an aggregation as an aligned table, and --json as the API answers it', () => {
  const r = vigil('* | stats count(), dc(source.ip) as ips by host.name, event.outcome | sort host.name, -count');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.equal(lines[0], 'host.name  event.outcome  count  ips');
  assert.equal(lines[1], '---------  -------------  -----  ---');
  const want = expectedGroups();
  assert.equal(want.length, 4);
  assert.deepEqual(
    lines.slice(2).map((l) => l.split(/\s+/)),
    want.map((row) => row.map(String)),
  );
  // numbers are right-aligned under their header
  for (const l of lines.slice(2)) assert.equal(l.length, lines[0]?.length);
  assert.match(r.err, /^4 rows \(/);
  const j = vigil('--json', '* | stats count(), dc(source.ip) as ips by host.name, event.outcome | sort host.name, -count | head 3');
  assert.equal(j.code, 0, j.err);
  const body = JSON.parse(j.out) as { columns: string[]; rows: unknown[][]; truncated: boolean };
  assert.deepEqual(body.columns, ['host.name', 'event.outcome', 'count', 'ips']);
  assert.deepEqual(body.rows, want.slice(0, 3));
  assert.equal(body.truncated, false);
});

void test('vigil search explains a typo in a field or a stage in one line', () => {
  const a = vigil('usr.name:root');
  assert.equal(a.code, 1);
  assert.equal(a.err, "vigil: unknown field 'usr.name' (did you mean 'user.name'?) at position 0\n");
  const b = vigil('* | stast count()');
  assert.equal(b.err, "vigil: unknown stage 'stast' (did you mean 'stats'?) at position 4\n");
});
