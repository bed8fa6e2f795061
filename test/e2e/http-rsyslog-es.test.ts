import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { LineParser } from '../../src/parsers/line.js';
import { killAll, startServe } from '../support/serve.js';

/**
 * rsyslog's Elasticsearch output (omelasticsearch, Debian package rsyslog-elasticsearch) as a real shipper: rsyslogd
 * tails Loghub's OpenSSH sample with imfile and ships it to `vigil serve` in bulk mode with Basic credentials. Every
 * line must be stored once, the sshd lines parsed as sshd, and rsyslog must report no failed item.
 */

const OPENSSH = fileURLToPath(new URL('../../../shared/data/loghub/OpenSSH/OpenSSH_2k.log', import.meta.url));
const TOKEN = `e2e-rsyslog-${randomBytes(12).toString('hex')}`;
const children = new Set<ChildProcess>();
const temps: string[] = [];

function missing(): string | undefined {
  if (!existsSync('/usr/sbin/rsyslogd')) return 'rsyslogd is not installed (Debian package rsyslog)';
  const q = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'rsyslog-elasticsearch'], { encoding: 'utf8' });
  if (q.stdout !== 'install ok installed') return 'omelasticsearch is not installed (Debian package rsyslog-elasticsearch)';
  return undefined;
}

after(async () => {
  await killAll(children);
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

test('rsyslog omelasticsearch ships a log file into _bulk: all lines stored, sshd parsed, no failed item', { skip: missing() }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-rsyslog-'));
  temps.push(dir);
  const server = await startServe({ dataDir: join(dir, 'data'), token: TOKEN, cwd: tmpdir(), children });
  const port = new URL(server.base).port;
  const lines = readFileSync(OPENSSH, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const log = join(dir, 'auth.log');
  // imfile holds back a last line until its newline arrives: the copy ends with one
  const text = readFileSync(OPENSSH, 'utf8');
  writeFileSync(log, text.endsWith('\n') ? text : `${text}\r\n`);
  const index = `rsyslog-${randomBytes(4).toString('hex')}`;
  const errorFile = join(dir, 'es-errors.json');
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(
    conf,
    `global(workDirectory="${dir}")
module(load="imfile")
module(load="omelasticsearch")
template(name="doc" type="list" option.jsonf="on") {
  property(outname="message" name="msg" format="jsonf")
  property(outname="log.file.path" name="$!metadata!filename" format="jsonf")
}
input(type="imfile" File="${log}" Tag="auth" ruleset="ship" addMetadata="on" freshStartTail="off")
ruleset(name="ship") {
  action(type="omelasticsearch" server="127.0.0.1" serverport="${port}" template="doc" searchIndex="${index}"
         bulkmode="on" maxbytes="200k" uid="vigil" pwd="${TOKEN}" errorFile="${errorFile}")
}
`,
  );
  const rsyslog = spawn('/usr/sbin/rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(rsyslog);
  let stderr = '';
  rsyslog.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8192)));
  rsyslog.once('exit', () => children.delete(rsyslog));

  const count = async (q: string): Promise<number> => {
    const res = await fetch(`${server.base}/api/v1/search?${new URLSearchParams({ q, limit: '1' }).toString()}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { total: number }).total;
  };
  let stored = 0;
  for (let i = 0; i < 300 && stored < lines.length; i++) {
    await sleep(100);
    stored = await count(`labels.index:"${index}"`);
  }
  assert.equal(stored, lines.length, `rsyslog stderr: ${stderr}`);
  // nothing more arrives (no duplicates)
  await sleep(500);
  assert.equal(await count(`labels.index:"${index}"`), lines.length);
  assert.equal(existsSync(errorFile), false, existsSync(errorFile) ? readFileSync(errorFile, 'utf8').slice(0, 2000) : '');

  const parser = new LineParser();
  const sshd = lines.filter((message) => (parser.parse({ message: message.replace(/\r$/, ''), receivedAt: Date.now() })['event'] as Record<string, unknown> | undefined)?.['dataset'] === 'sshd').length;
  assert.ok(sshd > 1000);
  assert.equal(await count(`labels.index:"${index}" and event.dataset:sshd`), sshd);
  assert.equal(await count(`labels.index:"${index}" and log.file.path:"${log}"`), lines.length);

  rsyslog.kill('SIGTERM');
});
