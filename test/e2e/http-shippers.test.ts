import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Client } from '@elastic/elasticsearch';
import { LineParser } from '../../src/parsers/line.js';
import { killAll, startServe, type Server } from '../support/serve.js';

/**
 * A real `vigil serve` fed by real shippers' libraries with a real log (Loghub's OpenSSH sample, 2,000 lines): the
 * official Elasticsearch client's bulk helper (gzip, API key) sending Filebeat-shaped documents, Splunk's
 * splunk-logging sending the lines as HEC string events, and curl posting the gzip'd file to HEC /raw. Every line
 * must be stored once per path, and the HEC lines parsed by the same line parser as syslog input.
 */

const OPENSSH = fileURLToPath(new URL('../../../shared/data/loghub/OpenSSH/OpenSSH_2k.log', import.meta.url));
const TOKEN = `e2e-http-${randomBytes(12).toString('hex')}`;
const run = promisify(execFile);

interface SplunkLogger {
  eventFormatter: (message: unknown, severity: string) => unknown;
  send(ctx: { message: unknown; metadata?: Record<string, string> }): void;
  flush(cb: (err: unknown, resp: { statusCode: number } | undefined, body: unknown) => void): void;
  error: (err: unknown, ctx: unknown) => void;
}
const { Logger } = createRequire(import.meta.url)('splunk-logging') as { Logger: new (cfg: Record<string, unknown>) => SplunkLogger };

const children = new Set<ChildProcess>();
let server: Server;
let dir: string;
let lines: string[];

/** Stored log events matching `q` (the alerts raised on them are stored too, and left out here). */
async function count(q: string): Promise<number> {
  const res = await fetch(`${server.base}/api/v1/search?${new URLSearchParams({ q: `(${q}) and not event.kind:alert`, limit: '1' }).toString()}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { total: number }).total;
}

/** How many sample lines the line parser reads as sshd (computed here by the same parser, not assumed). */
function sshdCount(): number {
  const parser = new LineParser();
  return lines.filter((message) => (parser.parse({ message, receivedAt: Date.now() })['event'] as Record<string, unknown> | undefined)?.['dataset'] === 'sshd').length;
}

describe('shippers against vigil serve', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-http-'));
    server = await startServe({ dataDir: join(dir, 'data'), token: TOKEN, cwd: tmpdir(), children });
    lines = readFileSync(OPENSSH, 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.length > 0);
    assert.equal(lines.length, 2000);
  });

  after(async () => {
    await killAll(children);
    rmSync(dir, { recursive: true, force: true });
  });

  test('Elasticsearch client helpers.bulk (gzip, ApiKey): 2,000 Filebeat-shaped documents stored and searchable', async () => {
    const es = new Client({ node: server.base, auth: { apiKey: TOKEN }, compression: true });
    try {
      const info = await es.info();
      assert.match(info.version.number, /^8\./);
      const host = `fb-${randomBytes(4).toString('hex')}`;
      const stats = await es.helpers.bulk({
        datasource: lines.map((message, i) => ({ message, log: { file: { path: '/var/log/auth.log' }, offset: i }, agent: { type: 'filebeat' }, host: { name: host } })),
        onDocument: () => ({ create: { _index: 'filebeat-8.19.0' } }),
        flushBytes: 64 * 1024,
      });
      assert.equal(stats.successful, 2000);
      assert.equal(stats.failed, 0);
      assert.equal(await count(`host.name:${host}`), 2000);
      assert.equal(await count(`host.name:${host} and labels.index:"filebeat-8.19.0"`), 2000);
      // the lines in `message` were read by the line parser: sshd lines are sshd events with their fields
      assert.equal(await count(`host.name:${host} and event.dataset:sshd`), sshdCount());
      assert.ok((await count(`host.name:${host} and event.dataset:sshd and source.ip:*`)) > 0);
    } finally {
      await es.close();
    }
  });

  test('splunk-logging string events and curl gzip /raw: every line stored, sshd lines parsed', async () => {
    const sshd = sshdCount();
    assert.ok(sshd > 1000, `the line parser reads most of the sample as sshd (${sshd})`);

    const hecHost = `hec-${randomBytes(4).toString('hex')}`;
    const logger = new Logger({ token: TOKEN, url: server.base, maxBatchCount: 0 });
    logger.eventFormatter = (message) => message;
    const errs: unknown[] = [];
    logger.error = (err) => errs.push(err);
    for (let i = 0; i < lines.length; i += 250) {
      for (const message of lines.slice(i, i + 250)) logger.send({ message, metadata: { host: hecHost, sourcetype: 'linux_secure', source: OPENSSH } });
      const r = await new Promise<{ status: number | undefined; body: unknown }>((resolve) => logger.flush((_e, resp, body) => resolve({ status: resp?.statusCode, body })));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body, { text: 'Success', code: 0 });
    }
    assert.deepEqual(errs, []);
    assert.equal(await count(`host.name:${hecHost}`), 2000);
    assert.equal(await count(`host.name:${hecHost} and event.dataset:sshd`), sshd);

    const rawHost = `raw-${randomBytes(4).toString('hex')}`;
    const gz = join(dir, 'openssh.log.gz');
    writeFileSync(gz, gzipSync(readFileSync(OPENSSH)));
    const { stdout } = await run('curl', [
      '-s',
      '-S',
      '--max-time',
      '60',
      '-H',
      `Authorization: Splunk ${TOKEN}`,
      '-H',
      'Content-Encoding: gzip',
      '--data-binary',
      `@${gz}`,
      `${server.base}/services/collector/raw?host=${rawHost}&sourcetype=linux_secure`,
    ]);
    assert.deepEqual(JSON.parse(stdout), { text: 'Success', code: 0 });
    assert.equal(await count(`host.name:${rawHost}`), 2000);
    assert.equal(await count(`host.name:${rawHost} and event.dataset:sshd`), sshd);
  });
});
