import { createHash } from 'node:crypto';

/**
 * A fixed piece of CPU work, timed: this machine's speed moves by a third within minutes (other guests on its host),
 * so each benchmark run prints how long this took just before it. Runs of the same code compare only at similar
 * figures here. Lower is faster.
 */
export function calibrate(): { jsonMs: number; sha256Ms: number } {
  const doc = {
    event: { original: `<38>1 2026-11-27T08:00:02+00:00 localhost prg00000 1234 - - seq: 0000000000 ${'PADD'.repeat(40)}`, dataset: 'syslog', kind: 'event' },
    log: { syslog: { appname: 'prg00000', priority: 38, facility: { code: 4 }, severity: { code: 6 }, version: '1' } },
    host: { hostname: 'localhost', name: 'localhost' },
    process: { name: 'prg00000', pid: 1234 },
  };
  let t = performance.now();
  let n = 0;
  for (let i = 0; i < 100_000; i++) n += JSON.stringify(doc).length;
  const jsonMs = performance.now() - t;
  if (n === 0) throw new Error('calibration produced nothing');
  const block = Buffer.alloc(1 << 20, 0x61);
  t = performance.now();
  const h = createHash('sha256');
  for (let i = 0; i < 64; i++) h.update(block);
  h.digest();
  const sha256Ms = performance.now() - t;
  return { jsonMs, sha256Ms };
}
