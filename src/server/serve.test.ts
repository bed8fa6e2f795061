import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { STOP_SLOW_MS, stopStep } from './serve.js';

test('a stop step that takes longer than STOP_SLOW_MS is named on stderr while it is awaited; a quick one is not', async () => {
  const said: string[] = [];
  const log = (m: string): void => void said.push(m);
  assert.equal(await stopStep('quick', sleep(50, 'done'), log), 'done');
  assert.deepEqual(said, []);
  assert.equal(await stopStep('pipeline drain', sleep(STOP_SLOW_MS + 400, 'late'), log), 'late');
  assert.equal(said.length, 1, said.join('\n'));
  assert.match(said[0] ?? '', /^stopping: still waiting for pipeline drain \(3 s\)$/);
  // nothing more once the step is done
  await sleep(STOP_SLOW_MS + 200);
  assert.equal(said.length, 1);
});

test('a failing stop step rejects as it did and stops naming itself', async () => {
  const said: string[] = [];
  await assert.rejects(
    stopStep('store', Promise.reject(new Error('writer gone')), (m) => said.push(m)),
    /writer gone/,
  );
  await sleep(STOP_SLOW_MS + 200);
  assert.deepEqual(said, []);
});
