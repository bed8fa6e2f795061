import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Harness } from '../../src/sources/file/harness.js';

/**
 * The file source against the real logrotate (Debian package `logrotate`): rotation by rename with compression, and
 * copytruncate with delayed compression, with lines written right before and after each rotation. Every line is
 * stored exactly once.
 */
const LOGROTATE = ['/usr/sbin/logrotate', '/sbin/logrotate'].find((p) => spawnSync(p, ['--version']).status === 0);
const skip = LOGROTATE ? false : 'logrotate is not installed (Debian package logrotate)';

const SSH = readFileSync(new URL('../../../shared/data/loghub/OpenSSH/OpenSSH_2k.log', import.meta.url), 'utf8').split(/\r?\n/);
const lines = (from: number, to: number): string => `${SSH.slice(from, to).join('\n')}\n`;
const sorted = (a: readonly string[]): string[] => [...a].sort();

function rotate(h: Harness, options: string): void {
  const conf = join(h.dir, 'logrotate.conf');
  writeFileSync(conf, `${join(h.logs, 'app.log')} {\n  rotate 5\n  missingok\n${options}\n}\n`);
  execFileSync(LOGROTATE as string, ['-f', '-s', join(h.dir, 'logrotate.state'), conf], { timeout: 10_000 });
}

async function run(options: string): Promise<void> {
  const h = await new Harness().open();
  try {
    const f = join(h.logs, 'app.log');
    writeFileSync(f, lines(0, 200));
    await h.source({ path: `${f}*` });
    assert.equal(await h.waitFor(200), 200);
    let n = 200;
    for (let round = 0; round < 3; round++) {
      // written just before the rotation: the source has not read them yet
      appendFileSync(f, lines(n, n + 100));
      rotate(h, options);
      appendFileSync(f, lines(n + 100, n + 150));
      n += 150;
      await h.waitFor(n - 50);
    }
    assert.equal(await h.settle(n, 20_000), n, `files now: ${readdirSync(h.logs).join(' ')}`);
    assert.deepEqual(sorted(await h.originals()), sorted(SSH.slice(0, n)));
  } finally {
    await h.close();
  }
}

test('logrotate create + compress: renamed files are drained, their .gz copies add nothing', { skip }, async () => {
  await run('  create\n  compress');
});

test('logrotate copytruncate + delaycompress: the copy holds only what had not been read', { skip }, async () => {
  await run('  copytruncate\n  compress\n  delaycompress');
});
