import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { createServer as createTlsServer } from 'node:tls';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { AssetInventory } from '../../enrich/assets.js';
import { LineParser } from '../../parsers/line.js';
import { parseCef } from '../../parsers/cef.js';
import { getPath } from '../../schema/event.js';
import { NotifyConfigSchema } from './config.js';
import { Notifier } from './notifier.js';
import { bruteForceDoc, triaged } from './test-alerts.js';
import { signature } from './webhook.js';

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'vigil-notify-'));
  dirs.push(d);
  return d;
}

const SECRET = 'a-webhook-secret-of-some-length';

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Received {
  body: string;
  signature: string | undefined;
  status: number;
}

/** A webhook receiver on 127.0.0.1 answering 500 to the first `failFirst` requests. */
async function receiver(failFirst: number): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createHttpServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = got.length < failFirst ? 500 : 200;
      const sig = req.headers['x-vigil-signature'];
      got.push({ body: Buffer.concat(chunks).toString('utf8'), signature: typeof sig === 'string' ? sig : undefined, status });
      res.writeHead(status).end(status === 200 ? 'ok' : 'try later');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, server };
}

function notifier(dataDir: string, notify: unknown): Notifier {
  const n = new Notifier({ config: NotifyConfigSchema.parse(notify), dataDir });
  n.start();
  closers.push(() => n.stop());
  return n;
}

test('a webhook receiver that fails twice then succeeds gets exactly one successful delivery, signed', async () => {
  const r = await receiver(2);
  const n = notifier(tmp(), { channels: [{ type: 'webhook', name: 'hook', url: r.url, secret: SECRET, backoff_seconds: 0.05 }] });
  const alert = triaged(bruteForceDoc());
  n.listener(alert, 'new');
  await until(() => r.got.some((g) => g.status === 200), 10_000, 'the successful delivery');
  await new Promise((res) => setTimeout(res, 300));
  assert.deepEqual(r.got.map((g) => g.status), [500, 500, 200]);
  for (const g of r.got) assert.equal(g.signature, signature(SECRET, g.body), 'every attempt carries a valid signature over the raw body');
  const body = JSON.parse(r.got[2]?.body ?? '') as { alert: { id: string; rule: { name: string }; entities: { source_ip: string[] } } };
  assert.equal(body.alert.id, alert.id);
  assert.equal(body.alert.rule.name, 'SSH brute force from one address');
  assert.deepEqual(body.alert.entities.source_ip, ['203.0.113.45']);
  const d = n.deliveries({ alertId: alert.id });
  assert.equal(d.length, 1);
  assert.equal(d[0]?.status, 'sent');
  assert.equal(d[0]?.attempts, 3);
  assert.match(d[0]?.last_error ?? '', /^$|HTTP 500/);
});

test('a delivery that never succeeds stops after max_attempts and is visible as failed', async () => {
  const r = await receiver(1000);
  const n = notifier(tmp(), { channels: [{ type: 'webhook', name: 'down', url: r.url, max_attempts: 3, backoff_seconds: 0.02 }] });
  const alert = triaged(bruteForceDoc());
  n.listener(alert, 'new');
  await until(() => n.deliveries({ status: 'failed' }).length === 1, 10_000, 'the failed delivery');
  assert.equal(r.got.length, 3);
  const [d] = n.deliveries({ alertId: alert.id });
  assert.equal(d?.attempts, 3);
  assert.match(d?.last_error ?? '', /HTTP 500: try later/);
});

test('routing: building blocks, lower severity, other rules and tags are not sent', async () => {
  const r = await receiver(0);
  const doc = bruteForceDoc();
  const n = notifier(tmp(), {
    channels: [
      { type: 'webhook', name: 'high', url: r.url, min_severity: 75 },
      { type: 'webhook', name: 'brute', url: r.url, tags: ['attack.t1110'] },
      { type: 'webhook', name: 'other-rule', url: r.url, rules: ['some-other-rule'] },
      { type: 'webhook', name: 'critical-assets', url: r.url, min_criticality: 4 },
      { type: 'webhook', name: 'grouped', url: r.url, on: ['grouped'] },
    ],
  });
  n.listener(triaged(doc, { buildingBlock: true }), 'new');
  const plain = triaged(doc);
  n.listener(plain, 'new');
  const onDb = triaged(doc);
  onDb.doc = { ...onDb.doc, vigil: { alert: { assets: [{ name: 'db-1', criticality: 5, tags: [] }] } } };
  n.listener(onDb, 'new');
  n.listener(plain, 'grouped');
  await until(() => r.got.length >= 4, 10_000, 'deliveries');
  await new Promise((res) => setTimeout(res, 200));
  const by = (ch: string): string[] => n.deliveries({ channel: ch }).map((d) => `${d.alert_id ?? ''}:${d.change}`);
  assert.deepEqual(by('high'), []);
  assert.deepEqual(by('other-rule'), []);
  assert.deepEqual(by('brute').sort(), [`${plain.id}:new`, `${onDb.id}:new`].sort());
  assert.deepEqual(by('critical-assets'), [`${onDb.id}:new`]);
  assert.deepEqual(by('grouped'), [`${plain.id}:grouped`]);
  assert.equal(r.got.length, 4);
});

test('a storm of 1,000 alerts gives the burst plus one digest; the rest are visible as rate_limited', async () => {
  const r = await receiver(0);
  const n = notifier(tmp(), { channels: [{ type: 'webhook', name: 'storm', url: r.url, rate: { per_minute: 1, burst: 5, digest_seconds: 0.5 } }] });
  const doc = bruteForceDoc();
  for (let i = 0; i < 1000; i++) n.listener(triaged(doc, { sourceIp: `198.18.${i >> 8}.${i & 255}` }), 'new');
  await until(() => r.got.some((g) => g.body.includes('"type":"digest"')), 10_000, 'the digest');
  await new Promise((res) => setTimeout(res, 700));
  const kinds = r.got.map((g) => (JSON.parse(g.body) as { type: string }).type);
  assert.deepEqual(kinds.filter((k) => k === 'alert').length, 5);
  assert.deepEqual(kinds.filter((k) => k === 'digest').length, 1);
  const digest = r.got.map((g) => JSON.parse(g.body) as { type: string; digest?: { count: number; alert_ids: string[] } }).find((b) => b.type === 'digest');
  assert.equal(digest?.digest?.count, 995);
  assert.equal(digest?.digest?.alert_ids.length, 100);
  assert.equal(n.counts()['rate_limited'], 995);
  assert.equal(n.counts()['sent'], 6);
});

test('deliveries owed at stop are sent after a restart', async () => {
  const dir = tmp();
  // a port nobody listens on: take one and close it
  const probe = createTcpServer();
  await new Promise<void>((res) => probe.listen(0, '127.0.0.1', res));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((res) => probe.close(res));
  const cfg = { channels: [{ type: 'webhook', name: 'later', url: `http://127.0.0.1:${port}/hook`, backoff_seconds: 0.05 }] };
  const first = new Notifier({ config: NotifyConfigSchema.parse(cfg), dataDir: dir });
  first.start();
  const alert = triaged(bruteForceDoc());
  first.listener(alert, 'new');
  await until(() => first.deliveries({ alertId: alert.id })[0]?.status === 'retrying', 5000, 'a failed first attempt');
  await first.stop();
  // the receiver comes up on that port; a new process picks the delivery up
  const got: string[] = [];
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      got.push(req.url ?? '');
      res.end('ok');
    });
  });
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', res));
  closers.push(() => new Promise((res) => server.close(() => res())));
  const second = notifier(dir, cfg);
  await until(() => second.deliveries({ alertId: alert.id })[0]?.status === 'sent', 10_000, 'the delivery after restart');
  assert.equal(got.length, 1);
  assert.ok((second.deliveries({ alertId: alert.id })[0]?.attempts ?? 0) >= 2);
});

test('e-mail over SMTP with STARTTLS and auth reaches a real SMTP server', async () => {
  const dir = tmp();
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore', timeout: 20_000 });
  const mails: { data: string; from: string; to: string[]; secure: boolean; user: string | undefined }[] = [];
  const server = new SMTPServer({
    secure: false,
    key: readFileSync(key),
    cert: readFileSync(cert),
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'vigil' && auth.password === 'mail-password') cb(null, { user: 'vigil' });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          data: Buffer.concat(chunks).toString('utf8'),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((a) => a.address),
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        cb();
      });
    },
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  closers.push(() => new Promise((res) => server.close(() => res())));
  const port = (server.server.address() as AddressInfo).port;
  const n = notifier(dir, {
    channels: [
      { type: 'email', name: 'mail', host: '127.0.0.1', port, ca: cert, user: 'vigil', password: 'mail-password', from: 'vigil@example.org', to: ['soc@example.org'], backoff_seconds: 0.1 },
    ],
  });
  const alert = triaged(bruteForceDoc());
  n.listener(alert, 'new');
  await until(() => mails.length === 1, 15_000, 'the e-mail');
  const m = mails[0];
  assert.ok(m);
  // quoted-printable soft line breaks
  m.data = m.data.replace(/=\r?\n/g, '');
  assert.equal(m.secure, true, 'the mail was sent after STARTTLS');
  assert.equal(m.user, 'vigil');
  assert.equal(m.from, 'vigil@example.org');
  assert.deepEqual(m.to, ['soc@example.org']);
  assert.match(m.data, /^Subject: \[Vigil\] medium: SSH brute force from one address \(203\.0\.113\.45\)\r?$/m);
  assert.match(m.data, /Source: 203\.0\.113\.45/);
  assert.match(m.data, new RegExp(`Alert id: ${alert.id}`));
  await until(() => n.deliveries({ alertId: alert.id })[0]?.status === 'sent', 5000, 'the delivery marked sent');
});

test('CEF over UDP and TCP reaches real listeners and parses back', async () => {
  const udpLines: string[] = [];
  const udp = createSocket('udp4');
  udp.on('message', (b) => udpLines.push(b.toString('utf8')));
  await new Promise<void>((res) => udp.bind(0, '127.0.0.1', res));
  closers.push(() => new Promise((res) => udp.close(() => res())));
  let tcpData = '';
  const tcp = createTcpServer((s) => s.on('data', (b: Buffer) => (tcpData += b.toString('utf8'))));
  await new Promise<void>((res) => tcp.listen(0, '127.0.0.1', res));
  closers.push(() => new Promise((res) => tcp.close(() => res())));
  const n = notifier(tmp(), {
    channels: [
      { type: 'syslog', name: 'siem-udp', host: '127.0.0.1', port: udp.address().port, transport: 'udp' },
      { type: 'syslog', name: 'siem-tcp', host: '127.0.0.1', port: (tcp.address() as AddressInfo).port, transport: 'tcp' },
    ],
  });
  const alert = triaged(bruteForceDoc());
  // an attacker-chosen user name with every character CEF must escape
  alert.entities.userName = ['ev|il\\us=er\nnext'];
  n.listener(alert, 'new');
  await until(() => udpLines.length === 1 && /^\d+ /.test(tcpData) && tcpData.length >= Number(tcpData.split(' ')[0]), 5000, 'both messages');
  const len = Number(tcpData.slice(0, tcpData.indexOf(' ')));
  const tcpLine = Buffer.from(tcpData.slice(tcpData.indexOf(' ') + 1), 'utf8').subarray(0, len).toString('utf8');
  for (const line of [udpLines[0] ?? '', tcpLine]) {
    assert.match(line, /^<132>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ vigil \d+ alert - CEF:0\|Vigil\|Vigil\|/);
    const cef = parseCef(line.slice(line.indexOf('CEF:')));
    assert.ok(cef, line);
    assert.equal(cef.eventClassId, alert.ruleId);
    assert.equal(cef.name, 'SSH brute force from one address');
    assert.equal(cef.severity, '5');
    const ext = new Map(cef.ext);
    assert.equal(ext.get('src'), '203.0.113.45');
    assert.equal(ext.get('duser'), 'ev|il\\us=er\nnext');
    assert.equal(ext.get('externalId'), alert.id);
    assert.equal(ext.get('cn1'), '50');
    assert.equal(ext.get('cs1'), 'T1110,T1110.001');
    // and Vigil's own syslog + CEF parser reads the whole line
    const ev = new LineParser().parse({ message: line, receivedAt: Date.now() });
    assert.equal(getPath(ev, 'source.ip'), '203.0.113.45');
    assert.equal(getPath(ev, 'destination.user.name'), 'ev|il\\us=er\nnext');
    assert.equal(getPath(ev, 'event.code'), alert.ruleId);
  }
});

test('syslog over TLS: the collector certificate is verified against ca, messages are octet-counted', async () => {
  const dir = tmp();
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore', timeout: 20_000 });
  let data = '';
  const server = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (s) => s.on('data', (b: Buffer) => (data += b.toString('utf8'))));
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  closers.push(() => new Promise((res) => server.close(() => res())));
  const port = (server.address() as AddressInfo).port;
  const n = notifier(dir, {
    channels: [
      { type: 'syslog', name: 'tls-ok', host: '127.0.0.1', port, transport: 'tls', ca: cert, format: 'json' },
      // without the CA the self-signed certificate is refused: the delivery is retried, never sent in the clear
      { type: 'syslog', name: 'tls-untrusted', host: '127.0.0.1', port, transport: 'tls', max_attempts: 2, backoff_seconds: 0.05 },
    ],
  });
  const alert = triaged(bruteForceDoc());
  n.listener(alert, 'new');
  n.listener(triaged(bruteForceDoc()), 'new');
  await until(() => n.deliveries({ channel: 'tls-untrusted', status: 'failed' }).length === 2 && n.deliveries({ channel: 'tls-ok', status: 'sent' }).length === 2, 10_000, 'both channels done');
  const frames: string[] = [];
  let rest = Buffer.from(data, 'utf8');
  while (rest.length > 0) {
    const sp = rest.indexOf(0x20);
    const len = Number(rest.subarray(0, sp).toString('ascii'));
    frames.push(rest.subarray(sp + 1, sp + 1 + len).toString('utf8'));
    rest = rest.subarray(sp + 1 + len);
  }
  assert.equal(frames.length, 2);
  const first = frames[0] ?? '';
  assert.match(first, /^<132>1 \S+ \S+ vigil \d+ alert - \{/);
  const body = JSON.parse(first.slice(first.indexOf('{'))) as { type: string; alert: { id: string } };
  assert.equal(body.type, 'alert');
  assert.match(n.deliveries({ channel: 'tls-untrusted' })[0]?.last_error ?? '', /self[- ]signed|certificate/i);
});

test('routing by asset through the inventory; a delivery owed to a channel removed from the config fails visibly', async () => {
  const r = await receiver(0);
  const dir = tmp();
  const inventory = new AssetInventory([{ name: 'bastion', kind: 'host', match: ['bastion'], criticality: 5, tags: [] }], []);
  const n = new Notifier({
    config: NotifyConfigSchema.parse({ channels: [{ type: 'webhook', name: 'crown', url: r.url, assets: ['bastion'] }, { type: 'webhook', name: 'lab', url: r.url, assets: ['lab-1'] }] }),
    dataDir: dir,
    assets: () => inventory,
  });
  n.start();
  const alert = triaged(bruteForceDoc());
  n.listener(alert, 'new');
  await until(() => r.got.length === 1, 5000, 'the delivery to crown');
  assert.deepEqual(n.deliveries({}).map((d) => d.channel), ['crown']);
  await n.stop();
  // an owed delivery whose channel is gone
  const port = Number(new URL(r.url).port);
  const owed = new Notifier({ config: NotifyConfigSchema.parse({ channels: [{ type: 'webhook', name: 'gone', url: `http://127.0.0.1:${port}/x`, backoff_seconds: 60 }] }), dataDir: dir });
  owed.start();
  await new Promise((res) => r.server.close(res));
  owed.listener(triaged(bruteForceDoc()), 'new');
  await until(() => owed.deliveries({ channel: 'gone', status: 'retrying' }).length === 1, 5000, 'a failed first attempt');
  await owed.stop();
  const later = notifier(dir, { channels: [] });
  const [gone] = later.deliveries({ channel: 'gone' });
  assert.equal(gone?.status, 'failed');
  assert.equal(gone?.last_error, 'channel gone is not configured (or disabled)');
  assert.equal(later.deliveries({ channel: 'crown' })[0]?.status, 'sent');
});
