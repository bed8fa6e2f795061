import assert from 'node:assert/strict';
import { appendFileSync, closeSync, copyFileSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { getPath } from '../../schema/event.js';
import { F } from '../../schema/fields.js';
import { Harness } from './harness.js';

/** 2,000 real sshd lines (loghub OpenSSH sample); the file has no newline after its last line. */
const SSH = readFileSync(new URL('../../../../shared/data/loghub/OpenSSH/OpenSSH_2k.log', import.meta.url), 'utf8').split(/\r?\n/);
const sshText = (from: number, to: number): string => `${SSH.slice(from, to).join('\n')}\n`;
const sorted = (a: readonly string[]): string[] => [...a].sort();

async function withHarness(fn: (h: Harness) => Promise<void>): Promise<void> {
  const h = await new Harness().open();
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

test('a file is read from its beginning, then followed as lines are appended; a partial last line waits for its end', async () => {
  await withHarness(async (h) => {
    const f = join(h.logs, 'auth.log');
    writeFileSync(f, sshText(0, 100));
    await h.source({ path: f });
    assert.equal(await h.waitFor(100), 100);
    appendFileSync(f, `${sshText(100, 150)}${SSH[150] ?? ''}`);
    assert.equal(await h.settle(150), 150, 'the unfinished line is not stored yet');
    appendFileSync(f, '\r\n');
    assert.equal(await h.settle(151), 151);
    assert.deepEqual(sorted(await h.originals()), sorted(SSH.slice(0, 151)), 'CRLF is stripped, every line once');
    const ev = (await h.events())[0];
    assert.equal(ev && getPath(ev, F.logFilePath), f);
    assert.equal(ev && getPath(ev, F.eventDataset), 'sshd');
  });
});

test('a glob picks up files created after start; excluded files are not read', async () => {
  await withHarness(async (h) => {
    writeFileSync(join(h.logs, 'a.log'), sshText(0, 10));
    const src = await h.source({ path: join(h.logs, '{a,b,c}*.log'), exclude: ['c-*.log'] });
    assert.equal(await h.waitFor(10), 10);
    writeFileSync(join(h.logs, 'b.log'), sshText(10, 30));
    writeFileSync(join(h.logs, 'c-skip.log'), sshText(30, 40));
    writeFileSync(join(h.logs, 'other.txt'), sshText(40, 50));
    assert.equal(await h.settle(30), 30);
    assert.deepEqual(sorted(await h.originals()), sorted(SSH.slice(0, 30)));
    assert.equal(src.health()['files_followed'], 2);
  });
});

test('rotation by rename: lines written just before and after (to the old file and the new one) are stored once each', async () => {
  await withHarness(async (h) => {
    const f = join(h.logs, 'app.log');
    let fd = openSync(f, 'a');
    writeSync(fd, sshText(0, 300));
    await h.source({ path: f });
    assert.ok((await h.waitFor(1, 5000)) >= 1);
    writeSync(fd, sshText(300, 500));
    // logrotate: rename, then create; the daemon writes on into the old file until it reopens
    renameSync(f, `${f}.1`);
    writeSync(fd, sshText(500, 600));
    const fd2 = openSync(f, 'a');
    writeSync(fd2, sshText(600, 700));
    writeSync(fd, sshText(700, 750));
    closeSync(fd);
    fd = fd2;
    writeSync(fd, sshText(750, 1000));
    closeSync(fd);
    assert.equal(await h.settle(1000), 1000);
    assert.deepEqual(sorted(await h.originals()), sorted(SSH.slice(0, 1000)));
  });
});

test('rotation by rename where the rotated name matches the glob too: the file is followed under its new name', async () => {
  await withHarness(async (h) => {
    const f = join(h.logs, 'app.log');
    writeFileSync(f, sshText(0, 200));
    const src = await h.source({ path: `${f}*` });
    assert.equal(await h.waitFor(200), 200);
    renameSync(f, `${f}.1`);
    appendFileSync(`${f}.1`, sshText(200, 250));
    writeFileSync(f, sshText(250, 400));
    assert.equal(await h.settle(400), 400);
    assert.deepEqual(sorted(await h.originals()), sorted(SSH.slice(0, 400)));
    const files = src.health()['files'] as { path: string }[];
    assert.deepEqual(files.map((x) => x.path).sort(), [f, `${f}.1`]);
  });
});

test('copytruncate: the file shrinks below what was read, is read again from 0, and the truncation is counted', async () => {
  await withHarness(async (h) => {
    const f = join(h.logs, 'app.log');
    writeFileSync(f, sshText(0, 300));
    const src = await h.source({ path: f });
    assert.equal(await h.waitFor(300), 300);
    copyFileSync(f, `${f}.1`);
    truncateSync(f, 0);
    await sleep(400);
    appendFileSync(f, sshText(300, 350));
    assert.equal(await h.settle(350), 350);
    assert.deepEqual(sorted(await h.originals()), sorted(SSH.slice(0, 350)));
    assert.equal(src.health()['truncations'], 1);
    assert.match(await h.telemetry.metrics(), /vigil_component_errors_total\{component="file:[^"]+",kind="source",error_type="truncated",stage="read"\} 1/);
  });
});

test('a gzip-compressed rotated file is read once; one compressed from a file already read adds only its new lines', async () => {
  await withHarness(async (h) => {
    const f = join(h.logs, 'auth.log');
    writeFileSync(`${f}.2.gz`, gzipSync(sshText(0, 500)));
    writeFileSync(f, sshText(500, 800));
    const cfg = { path: `${f}*` };
    let src = await h.source(cfg);
    assert.equal(await h.settle(800), 800);
    assert.equal(src.health()['gzip_files_read'], 1);
    await h.stopSource(src);
    // while stopped: 100 more lines, then the file is rotated and compressed (logrotate without delaycompress)
    appendFileSync(f, sshText(800, 900));
    writeFileSync(`${f}.1.gz`, gzipSync(readFileSync(f)));
    unlinkSync(f);
    writeFileSync(f, sshText(900, 950));
    src = await h.source(cfg);
    assert.equal(await h.settle(950), 950);
    await h.stopSource(src);
    src = await h.source(cfg);
    assert.equal(await h.settle(950), 950, 'nothing is read twice after a restart');
    assert.deepEqual(sorted(await h.originals()), sorted(SSH.slice(0, 950)));
  });
});

test('multiline: a Java stack trace is one event; a waiting event is sent after the timeout', async () => {
  await withHarness(async (h) => {
    const f = join(h.logs, 'app.log');
    const trace = [
      '2026-11-26 08:00:01,123 ERROR [main] com.example.Login - authentication failed',
      'java.lang.IllegalStateException: bad credentials for user alice',
      '\tat com.example.Login.check(Login.java:42)',
      '\tat com.example.Login.handle(Login.java:17)',
      'Caused by: java.io.IOException: connection reset',
      '\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:186)',
      '\t... 12 more',
    ];
    const next = '2026-11-26 08:00:02,000 INFO [main] com.example.Login - retry';
    writeFileSync(f, `${trace.join('\n')}\n${next}\n`);
    await h.source({ path: f, multiline: { pattern: '^\\d{4}-\\d{2}-\\d{2} ', negate: true, match: 'after', timeout_ms: 300 } });
    assert.equal(await h.settle(2), 2);
    const originals = await h.originals();
    assert.ok(originals.includes(trace.join('\n')), 'the trace is joined into one event');
    assert.ok(originals.includes(next), 'the last event was sent after the timeout');
  });
});

test('a stop and a start resume where the store left off: no line lost, none twice', async () => {
  await withHarness(async (h) => {
    const f = join(h.logs, 'auth.log');
    // 20,000 lines: enough that the stop comes in the middle of the file
    writeFileSync(f, Array.from({ length: 10 }, () => `${SSH.join('\n')}\n`).join(''));
    const linux = readFileSync(new URL('../../../../shared/data/loghub/Linux/Linux_2k.log', import.meta.url));
    writeFileSync(join(h.logs, 'linux.log'), linux);
    // that file ends without a newline: its last line is incomplete and not read
    const linuxLines = linux.toString('latin1').split('\n').length - 1;
    let src = await h.source({ path: join(h.logs, '*.log') });
    await h.waitFor(1, 5000);
    await h.stopSource(src);
    const partial = await h.count();
    appendFileSync(f, 'Dec 10 11:03:44 LabSZ sshd[25455]: Connection closed by 103.99.0.122 [preauth]\n');
    src = await h.source({ path: join(h.logs, '*.log') });
    const total = 20_000 + 1 + linuxLines;
    assert.ok(partial < total - 1, `the stop came after everything was read (${partial} events)`);
    assert.equal(await h.settle(total), total, `stopped after ${partial} events`);
  });
});

test('invalid UTF-8 is kept as U+FFFD; a 1 MiB line is cut to 64 KiB and tagged; the lines around it are intact', async () => {
  await withHarness(async (h) => {
    const f = join(h.logs, 'bad.log');
    const big = 'x'.repeat(1024 * 1024);
    writeFileSync(f, Buffer.concat([Buffer.from('Dec 10 06:55:46 LabSZ sshd[1]: user '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(` end\n${big}\n${SSH[0] ?? ''}\n`)]));
    const src = await h.source({ path: f });
    assert.equal(await h.settle(3), 3);
    const events = await h.events();
    const long = events.find((e) => String(getPath(e, F.eventOriginal)).startsWith('xxx'));
    assert.equal(String(long && getPath(long, F.eventOriginal)).length, 65536);
    assert.deepEqual(long && getPath(long, F.tags), ['_truncated', '_parse_failure']);
    assert.ok((await h.originals()).includes('Dec 10 06:55:46 LabSZ sshd[1]: user \ufffd\ufffd\ufffd end'));
    assert.ok((await h.originals()).includes(SSH[0] ?? ''));
    assert.equal(src.health()['lines_cut'], 1);
  });
});

test('a corrupt or truncated .gz is reported once and given up on; the other files are read', async () => {
  await withHarness(async (h) => {
    const f = join(h.logs, 'auth.log');
    const gz = gzipSync(sshText(0, 400));
    writeFileSync(`${f}.2.gz`, gz.subarray(0, gz.length >> 1));
    writeFileSync(`${f}.3.gz`, Buffer.from('not gzip at all\n'));
    writeFileSync(f, sshText(400, 450));
    const src = await h.source({ path: `${f}*` });
    await h.waitFor(50, 10_000);
    // .gz files are read once they have not changed for 1.5 s
    await sleep(3000);
    const stored = await h.count();
    // what the truncated file held before its cut may be stored; nothing else from the broken files
    assert.ok(stored >= 50 && stored <= 450, `${stored} events`);
    assert.equal(h.messages.filter((m) => m.includes('auth.log.2.gz')).length, 1, h.messages.join('\n'));
    assert.equal(h.messages.filter((m) => m.includes('auth.log.3.gz')).length, 1, h.messages.join('\n'));
    assert.equal(src.health()['files_followed'], 1);
    await sleep(1200);
    assert.equal(await h.count(), stored, 'a file given up on is not read again');
  });
});

test('at most 1,024 files are followed at once: the rest are counted, logged once, and read when room is made', async () => {
  await withHarness(async (h) => {
    for (let i = 0; i < 1030; i++) writeFileSync(join(h.logs, `f${String(i).padStart(4, '0')}.log`), `${SSH[i] ?? ''}\n`);
    const src = await h.source({ path: join(h.logs, '*.log') });
    assert.equal(await h.settle(1024, 20_000), 1024);
    assert.equal(src.health()['files_followed'], 1024);
    assert.equal(src.health()['files_skipped'], 6);
    assert.equal(h.messages.filter((m) => m.includes('files followed already')).length, 1);
    assert.match(await h.telemetry.metrics(), /error_type="too_many_files",stage="scan"\} 6/);
    // deleting followed files makes room (they close once drained)
    for (let i = 0; i < 10; i++) unlinkSync(join(h.logs, `f${String(i).padStart(4, '0')}.log`));
    assert.equal(await h.settle(1030, 20_000), 1030);
  });
});

test('while the checkpoint file cannot be written the lines are still stored once (their positions commit with them); the failure is logged once', async () => {
  await withHarness(async (h) => {
    const f = join(h.logs, 'auth.log');
    writeFileSync(f, sshText(0, 300));
    mkdirSync(h.dataDir, { recursive: true });
    // a file where the checkpoint directory should be
    writeFileSync(join(h.dataDir, 'checkpoints'), '');
    const src = await h.source({ path: f });
    assert.equal(await h.settle(300), 300);
    // one line for the checkpoint that cannot be read at start, one for writing it, however often that is tried
    assert.equal(h.messages.filter((m) => m.includes('cannot read checkpoint')).length, 1, h.messages.join('\n'));
    assert.equal(h.messages.filter((m) => m.includes('EEXIST')).length, 1, h.messages.join('\n'));
    await h.stopSource(src);
    // started again with no checkpoint file at all: the positions committed in the store say where to go on
    await h.source({ path: f });
    appendFileSync(f, sshText(300, 320));
    assert.equal(await h.settle(320), 320);
    assert.deepEqual(sorted(await h.originals()), sorted(SSH.slice(0, 320)));
  });
});

test('a checkpoint file left behind the store (a kill between commit and rename) is overruled by the positions committed with the lines', async () => {
  await withHarness(async (h) => {
    const f = join(h.logs, 'auth.log');
    writeFileSync(f, sshText(0, 200));
    const first = await h.source({ path: f });
    assert.equal(await h.settle(200), 200);
    await h.stopSource(first);
    const [file] = readdirSync(join(h.dataDir, 'checkpoints'));
    assert.ok(file);
    const cp = join(h.dataDir, 'checkpoints', file);
    const old = readFileSync(cp, 'utf8');
    const second = await h.source({ path: f });
    appendFileSync(f, sshText(200, 320));
    assert.equal(await h.settle(320), 320);
    await h.stopSource(second);
    // the file as it was before the last 120 lines: what a kill right after the store's commit leaves
    writeFileSync(cp, old);
    await h.source({ path: f });
    appendFileSync(f, sshText(320, 330));
    assert.equal(await h.settle(330), 330);
    assert.deepEqual(sorted(await h.originals()), sorted(SSH.slice(0, 330)));
  });
});
