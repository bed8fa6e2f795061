import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { getPath } from '../../src/schema/event.js';
import { F } from '../../src/schema/fields.js';
import { killAll } from '../support/serve.js';
import { depsGate, freeUdpPort, run, startVigil, type Vigil } from './syslog-senders-support.js';

/**
 * rsyslog as a relay in front of Vigil, as users run it: `logger` sends RFC 3164 and RFC 5424 datagrams to an imudp
 * input, and an omfwd action forwards them as RFC 5424 with octet counting over TCP, and over TLS (gtls, mutual TLS
 * with certificates made here by openssl). Every message must arrive exactly once with its header fields.
 */
const TOKEN = `e2e-${randomBytes(16).toString('hex')}`;
const RSYSLOG_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 30_000;
const BATCH = 300;
const children = new Set<ChildProcess>();
const tmp = mkdtempSync(join(tmpdir(), 'vigil-rsyslog-e2e-'));
after(async () => {
  await killAll(children);
  rmSync(tmp, { recursive: true, force: true });
});

const tcpGate = depsGate(['rsyslog', 'logger']);
const tlsGate = depsGate(['rsyslog', 'rsyslog-gnutls', 'logger', 'openssl']);

async function openssl(args: string[]): Promise<void> {
  const r = await run('openssl', args, { timeoutMs: STEP_TIMEOUT_MS, children });
  assert.equal(r.code, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA, a server certificate for localhost/127.0.0.1 and a client certificate, all signed by the CA. */
async function makeCerts(dir: string): Promise<void> {
  const p = (f: string): string => join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=Vigil test CA']);
  writeFileSync(p('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(p('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [['server', 'localhost'], ['client', 'rsyslog-client']] as const) {
    await openssl(['req', ...ec, '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', `/CN=${cn}`]);
    await openssl(['x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p(`${name}.pem`), '-days', '2', '-extfile', p(`${name}.ext`)]);
  }
}

interface Rsyslog {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** rsyslogd in the foreground on its own config, killed after RSYSLOG_TIMEOUT_MS at the latest. */
function startRsyslog(dir: string, conf: string): Rsyslog {
  const file = join(dir, 'rsyslog.conf');
  writeFileSync(file, conf);
  const child = spawn('/usr/sbin/rsyslogd', ['-n', '-f', file, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  const keep = (d: string): void => void (out = (out + d).slice(-65536));
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => children.delete(child));
  const limit = setTimeout(() => child.kill('SIGKILL'), RSYSLOG_TIMEOUT_MS);
  return {
    child,
    output: () => out,
    async stop() {
      clearTimeout(limit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

function rsyslogConf(dir: string, udpPort: number, target: number, tls: boolean): string {
  const work = join(dir, 'work');
  mkdirSync(work, { recursive: true });
  const global = tls
    ? `global(workDirectory="${work}" defaultNetstreamDriverCAFile="${join(dir, 'ca.pem')}" defaultNetstreamDriverCertFile="${join(dir, 'client.pem')}" defaultNetstreamDriverKeyFile="${join(dir, 'client.key')}")`
    : `global(workDirectory="${work}")`;
  const driver = tls ? ' StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="localhost"' : '';
  return [
    global,
    'module(load="imudp")',
    `input(type="imudp" address="127.0.0.1" port="${udpPort}" rcvbufSize="4m")`,
    `action(type="omfile" file="${join(dir, 'received.log')}" template="RSYSLOG_FileFormat")`,
    `action(type="omfwd" target="127.0.0.1" port="${target}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"${driver} action.resumeRetryCount="-1" queue.type="LinkedList")`,
    '',
  ].join('\n');
}

async function logger(udpPort: number, args: string[]): Promise<number> {
  const r = await run('logger', ['-n', '127.0.0.1', '-P', String(udpPort), '-d', ...args], { timeoutMs: STEP_TIMEOUT_MS, children });
  assert.equal(r.code, 0, `logger ${args.join(' ')}: ${r.stderr}`);
  assert.ok(r.pid !== undefined);
  return r.pid;
}

/** Sends probes until one arrives: rsyslog is listening and its forwarding connection is up. Probes are counted apart. */
async function waitForRelay(v: Vigil, udpPort: number, relay: Rsyslog, tag: string): Promise<void> {
  const end = Date.now() + STEP_TIMEOUT_MS;
  for (let i = 0; Date.now() < end; i++) {
    if (relay.child.exitCode !== null) assert.fail(`rsyslogd exited: ${relay.output()}`);
    await logger(udpPort, ['-t', tag, `relay probe ${i}`]);
    await sleep(300);
    if ((await v.search(`process.name:${tag}`, 0)).total > 0) return;
  }
  assert.fail(`nothing arrived through rsyslog within ${STEP_TIMEOUT_MS} ms: ${relay.output()} / ${v.stderr()}`);
}

async function waitForCount(v: Vigil, q: string, n: number): Promise<number> {
  const end = Date.now() + STEP_TIMEOUT_MS;
  let total = (await v.search(q, 0)).total;
  while (total < n && Date.now() < end) {
    await sleep(200);
    total = (await v.search(q, 0)).total;
  }
  return total;
}

/**
 * Sends 3 sshd messages (RFC 3164), one RFC 5424 message with MSGID and structured data, and BATCH numbered lines
 * through rsyslog; checks that each arrives once with the header fields rsyslog forwards.
 */
async function sendAndCheck(v: Vigil, dir: string, udpPort: number, listener: string): Promise<Record<string, unknown>[]> {
  const run = randomBytes(4).toString('hex');
  const sshdPids: number[] = [];
  for (let i = 1; i <= 3; i++) {
    sshdPids.push(await logger(udpPort, ['--rfc3164', '-t', 'sshd', '-p', 'auth.info', '-i', `Failed password for invalid user bob${i} from 127.0.0.1 port 4000${i} ssh2`]));
  }
  await logger(udpPort, ['--rfc5424', '-t', `app${run}`, '--msgid', 'LOGIN', '--sd-id', 'ev@32473', '--sd-param', 'user="alice"', `rfc5424 in, rfc5424 out ${run}`]);
  // in files of 50 lines, one logger each: a gentler pace for rsyslog's UDP input
  for (let from = 0; from < BATCH; from += 50) {
    const lines = join(dir, `batch-${from}.txt`);
    const text = Array.from({ length: Math.min(50, BATCH - from) }, (_, i) => `batch line ${String(from + i).padStart(4, '0')} of ${run}\n`);
    writeFileSync(lines, text.join(''));
    await logger(udpPort, ['--rfc3164', '-t', `batch${run}`, '-p', 'local3.notice', '-f', lines]);
  }

  // UDP into rsyslog may lose a datagram on a busy machine; what rsyslog received (its own file) is the reference
  const total = await waitForCount(v, `process.name:batch${run}`, BATCH);
  await sleep(1000);
  const fromRsyslog = readFileSync(join(dir, 'received.log'), 'utf8')
    .split('\n')
    .map((l) => /batch line \d{4} of [0-9a-f]+$/.exec(l)?.[0])
    .filter((l): l is string => l?.endsWith(run) === true);
  assert.ok(fromRsyslog.length > BATCH / 2, `rsyslog received ${fromRsyslog.length} of ${BATCH} lines`);
  if (total < BATCH) assert.equal(total, fromRsyslog.length, `all lines rsyslog received arrived (${fromRsyslog.length} of ${BATCH} reached rsyslog)`);
  const batch = await v.search(`process.name:batch${run}`, 1000);
  const got = batch.events.map((e) => String(getPath(e, F.message)));
  assert.equal(batch.total, got.length);
  assert.deepEqual([...got].sort(), [...fromRsyslog].sort(), 'every line rsyslog received, exactly once');
  for (const e of batch.events) {
    assert.equal(getPath(e, F.logSyslogPriority), 19 * 8 + 5);
    assert.equal(getPath(e, F.logSyslogFacilityCode), 19);
    assert.equal(getPath(e, F.logSyslogSeverityCode), 5);
    assert.equal(getPath(e, F.logSyslogVersion), '1', 'forwarded as RFC 5424');
    assert.equal(getPath(e, F.hostHostname), hostname());
    assert.match(String(getPath(e, F.logSourceAddress)), /^127\.0\.0\.1:\d+$/);
  }

  const ssh = await v.search(`process.name:sshd and "${'Failed password'}"`, 100);
  const mine = ssh.events.filter((e) => sshdPids.includes(Number(getPath(e, F.processPid))));
  assert.equal(mine.length, 3, `the 3 sshd messages, once each: ${JSON.stringify(ssh.events)}`);
  for (const e of mine) {
    const i = sshdPids.indexOf(Number(getPath(e, F.processPid))) + 1;
    assert.equal(getPath(e, F.message), `Failed password for invalid user bob${i} from 127.0.0.1 port 4000${i} ssh2`);
    assert.equal(getPath(e, F.logSyslogPriority), 38);
    assert.equal(getPath(e, F.logSyslogAppname), 'sshd');
    assert.equal(getPath(e, F.processName), 'sshd');
    assert.equal(getPath(e, F.hostHostname), hostname());
    assert.equal(getPath(e, F.logSyslogVersion), '1');
    const ts = Date.parse(String(getPath(e, F.timestamp)));
    assert.ok(Math.abs(ts - Date.now()) < 120_000, `@timestamp ${String(getPath(e, F.timestamp))} is the sending time`);
    assert.match(String(getPath(e, F.eventOriginal)), /^<38>1 \d{4}-\d\d-\d\dT/);
  }

  const [r5424, ...more] = (await v.search(`process.name:app${run}`, 10)).events;
  assert.ok(r5424, 'the RFC 5424 message arrived');
  assert.equal(more.length, 0, 'once');
  assert.equal(getPath(r5424, F.message), `rfc5424 in, rfc5424 out ${run}`);
  assert.equal(getPath(r5424, F.logSyslogMsgid), 'LOGIN');
  assert.equal(getPath(r5424, F.logSyslogAppname), `app${run}`);
  assert.equal(getPath(r5424, F.logSyslogPriority), 13);
  assert.match(String(getPath(r5424, 'log.syslog.structured_data_raw')), /\[ev@32473 user="alice"\]/);
  // logger's RFC 5424 time has microseconds; rsyslog keeps them
  assert.match(String(getPath(r5424, F.eventOriginal)), /^<13>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d /);

  const health = await v.health();
  const h = health.components[listener] ?? {};
  assert.equal(h['octet_count_invalid'], 0, JSON.stringify(h));
  assert.equal(h['octet_count_short'], 0, JSON.stringify(h));
  assert.equal(h['truncated'], 0, JSON.stringify(h));
  return mine;
}

describe('rsyslog forwards to Vigil (omfwd, RFC 5424, octet counting)', () => {
  test('over TCP: every message exactly once, with its header fields', { skip: tcpGate.skip ?? false, timeout: 180_000 }, async (t) => {
    if (tcpGate.error) assert.fail(tcpGate.error);
    const dir = mkdtempSync(join(tmp, 'tcp-'));
    const v = await startVigil(dir, { syslog: { port: 0, udp: false } }, TOKEN, children);
    let relay: Rsyslog | undefined;
    try {
      const udpPort = await freeUdpPort();
      relay = startRsyslog(dir, rsyslogConf(dir, udpPort, await v.port('syslog_tcp'), false));
      await waitForRelay(v, udpPort, relay, 'probe');
      const sshd = await sendAndCheck(v, dir, udpPort, 'syslog_tcp');
      // rsyslog forwards a RFC 3164 message's text with the space after "sshd[pid]:" (" Failed password ...")
      await t.test('the forwarded sshd failures are parsed as authentication failures', () => {
        for (const e of sshd) {
          assert.equal(getPath(e, F.eventOutcome), 'failure', JSON.stringify(e));
          assert.match(String(getPath(e, F.userName)), /^bob[123]$/);
          assert.equal(getPath(e, F.sourceIp), '127.0.0.1');
        }
      });
      const h = (await v.health()).components['syslog_tcp'] ?? {};
      assert.equal(h['accepted'], 1, `rsyslog kept one connection: ${JSON.stringify(h)}`);
    } finally {
      await relay?.stop();
      await v.stop();
    }
  });

  test('over TLS (gtls, mutual TLS, client certificate required): every message exactly once; a client without a certificate is refused', { skip: tlsGate.skip ?? false, timeout: 180_000 }, async () => {
    if (tlsGate.error) assert.fail(tlsGate.error);
    const dir = mkdtempSync(join(tmp, 'tls-'));
    await makeCerts(dir);
    const tls = { port: 0, cert: join(dir, 'server.pem'), key: join(dir, 'server.key'), ca: join(dir, 'ca.pem'), client_auth: 'required' };
    const v = await startVigil(dir, { syslog: { port: 0, udp: false, tcp: false, tls } }, TOKEN, children);
    let relay: Rsyslog | undefined;
    try {
      const tlsPort = await v.port('syslog_tls');
      const udpPort = await freeUdpPort();
      relay = startRsyslog(dir, rsyslogConf(dir, udpPort, tlsPort, true));
      await waitForRelay(v, udpPort, relay, 'probe');
      await sendAndCheck(v, dir, udpPort, 'syslog_tls');
      let h = (await v.health()).components['syslog_tls'] ?? {};
      assert.equal(h['accepted'], 1, JSON.stringify(h));
      assert.equal(h['handshake_failures'], 0, JSON.stringify(h));

      // the same CA-trusting client, but without a certificate: no handshake, nothing stored
      const word = `nocert${randomBytes(4).toString('hex')}`;
      await run('sh', ['-c', `printf '<13>1 - - ${word} - - - no client certificate\\n' | timeout 10 openssl s_client -connect 127.0.0.1:${tlsPort} -CAfile '${join(dir, 'ca.pem')}' -quiet`], { timeoutMs: STEP_TIMEOUT_MS, children });
      const end = Date.now() + STEP_TIMEOUT_MS;
      while (Date.now() < end && Number(h['handshake_failures']) < 1) {
        await sleep(100);
        h = (await v.health()).components['syslog_tls'] ?? {};
      }
      assert.equal(h['handshake_failures'], 1, `the client without a certificate was refused: ${JSON.stringify(h)}`);
      assert.equal((await v.search(`process.name:${word}`, 0)).total, 0);
    } finally {
      await relay?.stop();
      await v.stop();
    }
  });
});
