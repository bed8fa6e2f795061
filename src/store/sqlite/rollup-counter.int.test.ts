import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeBatch } from '../batch-codec.js';
import type { StoredRow } from '../row.js';
import { Catalog } from './catalog.js';
import { HotWriter, type DecodedBatch } from './hot-writer.js';
import { hasTable, openPartition } from './open.js';
import { ROLLUP_MS } from './rollup.js';
import { sealPartition } from './seal.js';

const BASE = Date.UTC(2026, 10, 28);

function row(ts: number, dataset: string | null, outcome: string | null): StoredRow {
  return { ts, sourceIp: null, destinationIp: null, userName: null, hostName: null, dataset, outcome, message: `m ${ts}`, doc: '{}' };
}

function batch(rows: StoredRow[]): DecodedBatch {
  return { rows, text: encodeBatch(rows), state: [] };
}

/** Rows over a few minutes, groups interleaved, with the values a key could be confused by, and times before 1970. */
function rows(n: number, seed: number): StoredRow[] {
  let x = seed;
  const rnd = (k: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.floor((x / 2147483648) * k);
  };
  const datasets = ['sshd', 'a\u0000b', 'a', '\u0001', null];
  const outcomes = ['b\u0000', 'success', '\u0000', null];
  const out: StoredRow[] = [];
  for (let i = 0; i < n; i++) {
    // runs of rows in one group, as a source sends them, then a jump
    const ts = i % 97 < 3 ? -ROLLUP_MS * 2 + rnd(ROLLUP_MS * 4) : BASE + rnd(5 * ROLLUP_MS);
    const d = i % 7 === 0 ? (datasets[rnd(datasets.length)] ?? null) : 'sshd';
    out.push(row(ts, d, outcomes[rnd(outcomes.length)] ?? null));
  }
  return out;
}

type Group = { m: number; dataset: string | null; outcome: string | null; n: number };

function rollupOf(path: string): { table: Group[]; fromEvents: Group[] } {
  const db = openPartition(path, { readonly: true, mustExist: true });
  try {
    return {
      table: db.prepare('SELECT m, dataset, outcome, n FROM rollup_1m ORDER BY 1, 2, 3').all() as Group[],
      fromEvents: db.prepare(`SELECT ts / ${ROLLUP_MS} AS m, dataset, outcome, count(*) AS n FROM events GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`).all() as Group[],
    };
  } finally {
    db.close();
  }
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rollup-counter-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether the partition file has a rollup table (before sealing: the writer wrote it). */
function hasRollupTable(file: string): boolean {
  const db = openPartition(file, { readonly: true, mustExist: true });
  try {
    return hasTable(db, 'rollup_1m');
  } finally {
    db.close();
  }
}

/** The file of the partition the writer just closed for sealing. */
function sealingFile(dir: string, id: number): string {
  const c = new Catalog(dir);
  try {
    const info = c.get(id);
    assert.equal(info?.state, 'sealing');
    return join(dir, info.file);
  } finally {
    c.close();
  }
}

void test('the writer counts the rollup of a partition it filled, and it is the one the events give', () => {
  withDir((dir) => {
    const w = new HotWriter({ dir, sync: 'normal', sealEvents: 1_000_000, sealAgeMs: 3_600_000 });
    const all = rows(5000, 11);
    for (let i = 0; i < all.length; i += 700) w.appendMany([batch(all.slice(i, i + 400)), batch(all.slice(i + 400, i + 700))]);
    const id = w.maybeRotate(Date.now(), true);
    w.close();
    assert.ok(id !== undefined);
    const file = sealingFile(dir, id);
    assert.equal(hasRollupTable(file), true);
    const written = rollupOf(file);
    assert.ok(written.table.length > 20, `${written.table.length} groups`);
    assert.deepEqual(written.table, written.fromEvents, 'written at rotation, before sealing');
    sealPartition(dir, id);
    const sealed = rollupOf(file);
    assert.deepEqual(sealed.table, written.table, 'sealing keeps it');
  });
});

void test('the sealer builds the rollup when the writer did not see every row, could not count one, or counted a group that did not commit', () => {
  withDir((dir) => {
    const opts = { dir, sync: 'normal' as const, sealEvents: 1_000_000, sealAgeMs: 3_600_000 };
    const all = rows(3000, 5);
    // a restart in the middle: the second writer opens a partition that already has rows
    const w1 = new HotWriter(opts);
    w1.appendMany([batch(all.slice(0, 1500))]);
    w1.close();
    const w2 = new HotWriter(opts);
    w2.appendMany([batch(all.slice(1500))]);
    const restarted = w2.maybeRotate(Date.now(), true);
    assert.ok(restarted !== undefined);
    assert.equal(hasRollupTable(sealingFile(dir, restarted)), false, 'not counted by a writer that saw half');
    // then rows the count gives up on: a lone surrogate (stored as U+FFFD: it groups with U+FFFD there) and a
    // time that is not whole
    w2.appendMany([batch([row(BASE, '\ud800', null), row(BASE + 1, '\ufffd', null), row(BASE + 2, 'sshd', null)])]);
    const surrogate = w2.maybeRotate(Date.now(), true);
    w2.appendMany([batch([row(BASE + 0.5, 'sshd', null), row(BASE + 3, 'sshd', null)])]);
    const fraction = w2.maybeRotate(Date.now(), true);
    // a group whose transaction fails (a row without its document) after rows were counted: none of it commits
    w2.appendMany([batch(all.slice(0, 100))]);
    const broken = all.slice(100, 200).map((r, i) => (i === 50 ? { ...r, doc: null as unknown as string } : r));
    assert.throws(() => w2.appendMany([batch(all.slice(200, 300)), batch(broken)]));
    w2.appendMany([batch(all.slice(300, 400))]);
    const failed = w2.maybeRotate(Date.now(), true);
    w2.close();
    for (const id of [restarted, surrogate, fraction, failed]) {
      assert.ok(id !== undefined);
      const file = sealingFile(dir, id);
      assert.equal(hasRollupTable(file), false, `partition ${id}: the writer gave up`);
      sealPartition(dir, id);
      const r = rollupOf(file);
      assert.ok(r.table.length > 0);
      assert.deepEqual(r.table, r.fromEvents, `partition ${id}`);
    }
  });
});
