import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileSliced } from './sliced-write.js';

function* pieces(n: number, spin = 0): Generator<string> {
  for (let i = 0; i < n; i++) {
    const until = performance.now() + spin;
    while (performance.now() < until) {
      // each piece costs `spin` ms to make, like a large group of correlation state
    }
    yield `${i},`;
  }
}

test('the file is the pieces joined, replaced atomically, and other work runs between slices', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sliced-'));
  try {
    const file = join(dir, 'sub', 'state.json');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const bytes = await writeFileSliced(file, pieces(400, 0.1), { sliceMs: 4 });
    clearInterval(timer);
    const expected = [...pieces(400)].join('');
    assert.equal(readFileSync(file, 'utf8'), expected);
    assert.equal(bytes, Buffer.byteLength(expected));
    assert.ok(ticks >= 5, `a 1 ms timer ran ${ticks} times during a write that took 40 ms of work`);
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['state.json'], 'no temporary file left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('beyond the byte limit the old file stays and nothing is left behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sliced-'));
  try {
    const file = join(dir, 'state.json');
    writeFileSync(file, 'old');
    await assert.rejects(writeFileSliced(file, pieces(100_000), { maxBytes: 1000, chunkBytes: 100 }), /larger than 1000 bytes/);
    assert.equal(readFileSync(file, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir), ['state.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
