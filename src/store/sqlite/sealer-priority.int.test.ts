import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteStore } from './sqlite-store.js';

/** The nice value of each thread of this process (field 19 of /proc/self/task/TID/stat). */
function threadNices(): number[] {
  const out: number[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      out.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended
    }
  }
  return out;
}

test('the sealer thread runs ten steps nicer than the process, the other threads keep their priority', { skip: platform() !== 'linux' ? 'per-thread nice values are read from /proc' : getPriority(0) > 9 ? 'the process runs at nice 10 or more already' : false }, async () => {
  const base = getPriority(0);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sealer-nice-'));
  const store = new SqliteStore({ dir, sync: 'normal' });
  try {
    assert.deepEqual(new Set(threadNices()), new Set([base]), 'before the store opens, every thread has the process priority');
    await store.open();
    const want = base + 10;
    // the sealer sets its priority as it starts, which open does not wait for
    const deadline = Date.now() + 10_000;
    while (!threadNices().includes(want) && Date.now() < deadline) await sleep(20);
    const nices = threadNices();
    assert.equal(nices.filter((n) => n === want).length, 1, `one thread at nice ${want}: ${nices.join(' ')}`);
    assert.equal(nices.filter((n) => n !== want && n !== base).length, 0, `no thread at any other priority: ${nices.join(' ')}`);
    assert.equal(getPriority(0), base, 'the main thread keeps its own');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
