import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { normalizeEvent } from '../../schema/event.js';
import type { AppendEvent, VerifyReport } from '../store.js';
import { partitionFile } from './schema.js';
import { SqliteStore } from './sqlite-store.js';
import { verifyStore } from './verify.js';

/**
 * Tampering with a closed store through the sqlite3 command-line shell, the way someone with access to the files
 * would, and checking that `verifyStore` and `vigil verify` name the first batch that no longer matches its chain.
 *
 * Layout built once: batches 1-3 in partition 1, 4-6 in partition 2, 7-8 in partition 3 (all sealed), 9-10 in the
 * hot partition 4.
 */
const SQLITE3 = process.env['SQLITE3'] ?? 'sqlite3';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BASE = Date.UTC(2026, 2, 1);
const PER_BATCH = 40;
const LAYOUT = [[1, 2, 3], [4, 5, 6], [7, 8], [9, 10]] as const;
const BATCHES = 10;

function events(batch: number): AppendEvent[] {
  const out: AppendEvent[] = [];
  for (let i = 0; i < PER_BATCH; i++) {
    const n = batch * 1000 + i;
    out.push(
      normalizeEvent(
        {
          '@timestamp': new Date(BASE + n * 1000).toISOString(),
          message: `tamper test event ${n} from 10.1.${batch}.${i}`,
          event: { dataset: 'tamper', outcome: i % 2 ? 'success' : 'failure' },
          source: { ip: `10.1.${batch}.${i}` },
          host: { name: `host-${i % 3}` },
          n,
        },
        BASE,
        'tamper',
      ),
    );
  }
  return out;
}

/** Runs SQL on a file with the sqlite3 shell; returns its rows when the statement yields any. */
function sqlite3(file: string, sql: string): Record<string, unknown>[] {
  assert.ok(existsSync(file), `${file} exists`);
  const out = execFileSync(SQLITE3, ['-bail', '-json', file, sql], { encoding: 'utf8', timeout: 30_000 });
  return out.trim() === '' ? [] : (JSON.parse(out) as Record<string, unknown>[]);
}

function partPath(dir: string, id: number): string {
  const hot = id === LAYOUT.length;
  return join(dir, partitionFile(id, hot ? 'hot' : 'sealed'));
}

/** `verified`: batches checked and found intact before the broken one. */
function expectBroken(r: VerifyReport, batch: number, partition: number, reason: RegExp, verified = batch - 1): void {
  assert.equal(r.ok, false, 'verify reports the tampering');
  assert.ok(r.firstProblem, 'a first problem is reported');
  assert.equal(r.firstProblem.batch, batch, `first broken batch (${r.firstProblem.reason})`);
  assert.equal(r.firstProblem.partition, partition, 'partition of the first broken batch');
  assert.match(r.firstProblem.reason, reason);
  assert.equal(r.batches, verified, 'batches verified before the broken one');
  assert.equal(r.events, verified * PER_BATCH, 'events verified before the broken batch');
}

function runVerifyCli(dataDir: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/vigil.js', 'verify', '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tampering with stored events is detected', () => {
  let root = '';
  let pristine = '';
  let copies = 0;

  before(async () => {
    const version = execFileSync(SQLITE3, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    assert.match(version, /^3\./, 'the sqlite3 shell runs');
    root = mkdtempSync(join(tmpdir(), 'vigil-tamper-'));
    pristine = join(root, 'pristine');
    const store = new SqliteStore({ dir: pristine, sync: 'normal', sealEvents: 1_000_000, sealAgeMs: 3_600_000 });
    await store.open();
    try {
      for (const [p, batches] of LAYOUT.entries()) {
        for (const b of batches) {
          const r = await store.append(events(b));
          assert.deepEqual(r.batches, [b], 'one chained batch per append, numbered from 1');
        }
        if (p < LAYOUT.length - 1) await store.seal();
      }
    } finally {
      await store.close();
    }
    // the layout the cases rely on
    const parts = sqlite3(join(pristine, 'catalog.sqlite'), 'SELECT id, state, file, first_batch, last_batch FROM partitions ORDER BY id');
    assert.deepEqual(
      parts.map((p) => [p['id'], p['state'], p['file']]),
      LAYOUT.map((_, i) => [i + 1, i === LAYOUT.length - 1 ? 'hot' : 'sealed', partitionFile(i + 1, i === LAYOUT.length - 1 ? 'hot' : 'sealed')]),
    );
    for (const [i, batches] of LAYOUT.entries()) {
      const rows = sqlite3(partPath(pristine, i + 1), 'SELECT id FROM batches ORDER BY id');
      assert.deepEqual(rows.map((r) => r['id']), [...batches]);
    }
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** A fresh copy of the untouched store: DATA/store, as `vigil verify --data-dir DATA` expects it. */
  function copy(): { data: string; dir: string } {
    const data = join(root, `copy-${++copies}`);
    const dir = join(data, 'store');
    cpSync(pristine, dir, { recursive: true });
    return { data, dir };
  }

  test('an untouched store verifies, with every batch and event counted', () => {
    const { dir } = copy();
    const r = verifyStore(dir);
    assert.equal(r.ok, true, JSON.stringify(r.firstProblem));
    assert.equal(r.batches, BATCHES);
    assert.equal(r.events, BATCHES * PER_BATCH);
    assert.equal(r.partitions, LAYOUT.length);
    assert.equal(r.firstProblem, undefined);
  });

  test('an edited message in a sealed partition breaks its batch', () => {
    const { dir } = copy();
    const file = partPath(dir, 2);
    const [row] = sqlite3(file, 'SELECT id, batch, message FROM events WHERE batch = 5 ORDER BY seq LIMIT 1 OFFSET 7');
    assert.ok(row, 'batch 5 has events in partition 2');
    assert.match(String(row['message']), /tamper test event 5007 /);
    sqlite3(file, `UPDATE events SET message = 'x' WHERE id = ${Number(row['id'])}`);
    assert.equal(sqlite3(file, 'SELECT count(*) AS n FROM events WHERE message = \'x\'')[0]?.['n'], 1, 'the shell changed the row');
    expectBroken(verifyStore(dir), 5, 2, /content does not match/);
  });

  test('an edited doc in the hot partition breaks its batch', () => {
    const { dir } = copy();
    const file = partPath(dir, 4);
    sqlite3(file, "UPDATE docs SET doc = json_set(doc, '$.n', 1) WHERE id = (SELECT id FROM events WHERE batch = 10 ORDER BY seq LIMIT 1 OFFSET 3)");
    assert.equal(sqlite3(file, "SELECT count(*) AS n FROM docs WHERE json_extract(doc, '$.n') = 1")[0]?.['n'], 1);
    expectBroken(verifyStore(dir), 10, 4, /content does not match/);
  });

  test('an edited key column (not only doc and message) is detected', () => {
    const { dir } = copy();
    sqlite3(partPath(dir, 1), "UPDATE events SET source_ip = '192.0.2.1' WHERE batch = 2 AND seq = 0");
    expectBroken(verifyStore(dir), 2, 1, /content does not match/);
  });

  test('a whole deleted batch (events and chain record) breaks the link at the next batch', () => {
    const { dir } = copy();
    const file = partPath(dir, 2);
    sqlite3(file, 'DELETE FROM events WHERE batch = 5; DELETE FROM batches WHERE id = 5;');
    assert.deepEqual(sqlite3(file, 'SELECT id FROM batches ORDER BY id').map((r) => r['id']), [4, 6]);
    expectBroken(verifyStore(dir), 6, 2, /batches 5\.\.5 are missing/, 4);
  });

  test('a whole deleted batch whose chain record is rewritten to close the gap still fails on the link', () => {
    const { dir } = copy();
    const file = partPath(dir, 4);
    // remove batch 9 and renumber batch 10 as 9: the numbering is continuous again, the hash link is not
    sqlite3(file, 'DELETE FROM events WHERE batch = 9; DELETE FROM batches WHERE id = 9; UPDATE events SET batch = 9 WHERE batch = 10; UPDATE batches SET id = 9 WHERE id = 10;');
    expectBroken(verifyStore(dir), 9, 4, /link to the previous batch is broken/);
  });

  test('the newest batches removed from the hot partition are detected against the recorded chain head', () => {
    const { dir } = copy();
    const file = partPath(dir, 4);
    sqlite3(file, 'DELETE FROM docs WHERE id IN (SELECT id FROM events WHERE batch = 10); DELETE FROM events WHERE batch = 10; DELETE FROM batches WHERE id = 10;');
    expectBroken(verifyStore(dir), 10, 4, /batches 10\.\.10 are missing: the newest committed batches were removed/, 9);
  });

  test('two events swapped within a batch (their seq exchanged) break that batch', () => {
    const { dir } = copy();
    const file = partPath(dir, 3);
    const before = sqlite3(file, 'SELECT id, seq FROM events WHERE batch = 8 AND seq IN (2, 3) ORDER BY seq');
    assert.equal(before.length, 2);
    sqlite3(file, 'UPDATE events SET seq = CASE seq WHEN 2 THEN 3 ELSE 2 END WHERE batch = 8 AND seq IN (2, 3)');
    const afterSwap = sqlite3(file, 'SELECT id, seq FROM events WHERE batch = 8 AND seq IN (2, 3) ORDER BY seq');
    assert.deepEqual(afterSwap.map((r) => r['id']), before.map((r) => r['id']).reverse(), 'the shell swapped them');
    expectBroken(verifyStore(dir), 8, 3, /content does not match/);
  });

  test('a middle partition removed with its catalog row is detected at the next partition', () => {
    const { dir } = copy();
    rmSync(partPath(dir, 2));
    sqlite3(join(dir, 'catalog.sqlite'), 'DELETE FROM partitions WHERE id = 2');
    assert.equal(sqlite3(join(dir, 'catalog.sqlite'), 'SELECT count(*) AS n FROM partitions')[0]?.['n'], LAYOUT.length - 1);
    expectBroken(verifyStore(dir), 7, 3, /batches 4\.\.6 are missing/, 3);
  });

  test('a partition file removed behind the catalog is reported missing', () => {
    const { dir } = copy();
    rmSync(partPath(dir, 3));
    expectBroken(verifyStore(dir), 7, 3, /partition file p00000003\.sqlite is missing/, 6);
  });

  test('the first partition removed with its catalog row is detected (no anchor allows it)', () => {
    const { dir } = copy();
    rmSync(partPath(dir, 1));
    sqlite3(join(dir, 'catalog.sqlite'), 'DELETE FROM partitions WHERE id = 1');
    expectBroken(verifyStore(dir), 4, 2, /batches 1\.\.3 are missing/, 0);
  });

  test('vigil verify exits 0 on the untouched store and 1 naming the batch on a tampered one', () => {
    const clean = copy();
    const ok = runVerifyCli(clean.data);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`^ok: ${BATCHES} batches, ${BATCHES * PER_BATCH} events in ${LAYOUT.length} partitions verified`));

    const bad = copy();
    sqlite3(partPath(bad.dir, 2), 'UPDATE events SET message = \'x\' WHERE batch = 6 AND seq = 11');
    const fail = runVerifyCli(bad.data);
    assert.equal(fail.status, 1, `exit code (stderr: ${fail.stderr})`);
    assert.match(fail.stderr, /^vigil: integrity check failed at batch 6 \(partition 2\): /);
    assert.equal(fail.stderr.trim().split('\n').length, 1, 'one line on stderr');
    assert.equal(fail.stdout, '');
  });
});
