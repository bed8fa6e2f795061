import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parseQuery } from '../../query/parser.js';
import { normalizeEvent } from '../../schema/event.js';
import type { AppendEvent } from '../store.js';
import { SqliteStore, StoreWriteError } from './sqlite-store.js';
import { verifyStore } from './verify.js';
import { mountTmpfs, sh, unmount } from '../../../test/support/mount.js';

/**
 * The store on a file system it cannot write to, and on one that fills up. As root, where file modes do not stop
 * writes, both use tmpfs mounts (a read-only one, a 3 MiB one); the full-disk test needs that and skips, saying why,
 * where mounting is not permitted. Without root, a directory without write permission is unwritable enough.
 */

/** Settles with the promise, or rejects after `ms`: an await here can never hang the test. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const PAD = 'x'.repeat(1500);

function batch(b: number, size: number): AppendEvent[] {
  const out: AppendEvent[] = [];
  for (let i = 0; i < size; i++) {
    out.push(
      normalizeEvent(
        {
          '@timestamp': new Date(Date.UTC(2026, 3, 1) + b * 1000 + i).toISOString(),
          message: `disk test batch ${b} event ${i}`,
          disk: { batch: `b${b}`, pad: PAD },
        },
        Date.UTC(2026, 3, 1),
        'disktest',
      ),
    );
  }
  return out;
}

async function inBatch(store: SqliteStore, b: number): Promise<number> {
  const r = await store.search({ filter: parseQuery(`disk.batch:b${b}`).filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1000 });
  return r.total;
}

async function expectUnwritable(dir: string, why: string): Promise<void> {
  const store = new SqliteStore({ dir, sync: 'normal' });
  await assert.rejects(
    within(store.open(), 10_000, 'open'),
    (err: unknown) => {
      assert.ok(err instanceof StoreWriteError, `a StoreWriteError (${String(err)})`);
      assert.equal(err.code, 'VIGIL_ERR_STORE_UNWRITABLE');
      assert.match(err.message, /not writable/);
      assert.ok(err.message.includes(dir), 'the message names the directory');
      return true;
    },
    why,
  );
  await store.close();
}

test('a data directory that cannot be written is refused at open', async (t: TestContext) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ro-'));
  try {
    if (process.getuid?.() !== 0) {
      // Not root: file modes are enough.
      chmodSync(dir, 0o555);
      try {
        await expectUnwritable(dir, 'directory without write permission');
        await expectUnwritable(join(dir, 'store'), 'directory to be created in one without write permission');
      } finally {
        chmodSync(dir, 0o755);
      }
      return;
    }
    const mountError = mountTmpfs(dir, 'ro,size=1m');
    if (mountError === undefined) {
      try {
        await expectUnwritable(dir, 'existing directory on a read-only file system');
        await expectUnwritable(join(dir, 'store'), 'directory to be created on a read-only file system');
      } finally {
        unmount(dir);
      }
      return;
    }
    // No mount here: an immutable directory refuses new files even to root.
    const chattrError = sh('chattr', ['+i', dir]);
    if (chattrError !== undefined) {
      t.skip(`cannot make a directory unwritable for root here: mount failed (${mountError}); chattr +i failed (${chattrError})`);
      return;
    }
    try {
      await expectUnwritable(dir, 'immutable directory');
    } finally {
      sh('chattr', ['-i', dir]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a full disk fails the append that does not fit, and every acknowledged batch survives', { timeout: 120_000 }, async (t: TestContext) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-full-'));
  const mountError = mountTmpfs(dir, 'size=3m');
  if (mountError !== undefined) {
    rmSync(dir, { recursive: true, force: true });
    t.skip(`mounting a small tmpfs is not permitted here: ${mountError}`);
    return;
  }
  const PER_BATCH = 50; // ~90 KiB per batch: a 3 MiB file system holds a few dozen
  const MAX_BATCHES = 200;
  let store = new SqliteStore({ dir, sync: 'normal', sealEvents: 1_000_000, sealAgeMs: 3_600_000 });
  try {
    await within(store.open(), 10_000, 'open');
    const acknowledged: number[] = [];
    let failure: unknown;
    let failedBatch = -1;
    const deadline = Date.now() + 60_000;
    for (let b = 0; b < MAX_BATCHES && Date.now() < deadline; b++) {
      try {
        const r = await within(store.append(batch(b, PER_BATCH)), 10_000, `append of batch ${b}`);
        assert.equal(r.stored, PER_BATCH);
        assert.deepEqual(r.batches, [acknowledged.length + 1], 'chain numbers are consecutive');
        acknowledged.push(b);
      } catch (err) {
        failure = err;
        failedBatch = b;
        break;
      }
    }
    assert.notEqual(failedBatch, -1, `the file system never filled up (${acknowledged.length} batches stored)`);
    assert.ok(acknowledged.length >= 5, `only ${acknowledged.length} batches fit before the failure`);
    assert.ok(failure instanceof StoreWriteError, `append rejected with a StoreWriteError, not: ${String(failure)}`);
    assert.equal(failure.code, 'VIGIL_ERR_STORE_FULL', failure.message);
    t.diagnostic(`${acknowledged.length} batches acknowledged before: ${failure.message}`);

    // Still full: the next append fails too, promptly, and reads keep working.
    await assert.rejects(within(store.append(batch(failedBatch + 1, PER_BATCH)), 10_000, 'append on a full disk'), (err: unknown) => {
      assert.ok(err instanceof StoreWriteError);
      assert.match(err.code, /^VIGIL_ERR_STORE_/);
      return true;
    });
    assert.equal(await inBatch(store, acknowledged[acknowledged.length - 1] as number), PER_BATCH);
    await within(store.close(), 30_000, 'close on a full disk');

    // Room again (remounted bigger, same directory): reopen, find every acknowledged batch, none of the failed one.
    const remountError = sh('mount', ['-o', 'remount,size=64m', dir]);
    assert.equal(remountError, undefined, `remount: ${remountError}`);
    store = new SqliteStore({ dir, sync: 'normal', sealEvents: 1_000_000, sealAgeMs: 3_600_000 });
    await within(store.open(), 10_000, 'reopen');
    for (const b of acknowledged) assert.equal(await inBatch(store, b), PER_BATCH, `acknowledged batch ${b} after reopening`);
    assert.equal(await inBatch(store, failedBatch), 0, 'nothing of the failed batch was stored');
    assert.equal(await inBatch(store, failedBatch + 1), 0, 'nothing of the batch after it was stored');
    let v = verifyStore(dir);
    assert.equal(v.ok, true, JSON.stringify(v.firstProblem));
    assert.equal(v.batches, acknowledged.length);
    assert.equal(v.events, acknowledged.length * PER_BATCH);
    // and the chain continues where it stopped
    const next = await within(store.append(batch(1000, PER_BATCH)), 10_000, 'append after remount');
    assert.deepEqual(next.batches, [acknowledged.length + 1]);
    v = verifyStore(dir);
    assert.equal(v.ok, true, JSON.stringify(v.firstProblem));
    assert.equal(v.batches, acknowledged.length + 1);
  } finally {
    await within(store.close(), 30_000, 'close').catch(() => undefined);
    unmount(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});
