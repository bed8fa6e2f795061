import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { killAll } from '../support/serve.js';
import { ROOT, run, startVigil, type Vigil } from './syslog-senders-support.js';

/*
 * A real attack on loopback: OpenSSH's sshd (private config, private host key, 127.0.0.1 on a free port) logs to
 * stderr (-e); each line goes through the real `logger` as an RFC 3164 message over TCP to a real `vigil serve`
 * running the shipped rules. hydra guesses passwords with a small word list, then sshpass logs in with the right one.
 * Within 5 s Vigil must hold the SSH brute-force alert and the login-after-brute-force alert, naming 127.0.0.1 and the
 * user.
 *
 * The user: a throwaway local account (useradd -M, random name and password, shell /bin/sh, no home directory),
 * allowed by this sshd only (AllowUsers) and removed in `after` whatever happens. A real account is the simplest way
 * to let PAM and sshd take the real code paths; the password is random per run and the sshd listens on 127.0.0.1 only.
 */

const DEPS_STATUS = join(ROOT, 'node_modules/.cache/vigil-test-deps/status');
const TOOLS: ReadonlyArray<[string, string]> = [
  ['openssh-server', '/usr/sbin/sshd'],
  ['hydra', '/usr/bin/hydra'],
  ['sshpass', '/usr/bin/sshpass'],
  ['logger', '/usr/bin/logger'],
];
const BRUTE_FORCE = '3f9d6c52-8a1e-4c57-b0d4-6e2a9f41c7a3';
const LOGIN_AFTER = '7d7c1f5e-3a4b-4f0e-9a41-2b6f1c9e8d01';
const TOKEN = `e2e-${randomBytes(16).toString('hex')}`;

/** skip only when scripts/test-deps.sh recorded that it could not install a tool; fail when one is missing otherwise */
function gate(): { skip?: string; error?: string } {
  const missing = TOOLS.filter(([, path]) => !existsSync(path));
  if (missing.length > 0) {
    const recorded = existsSync(DEPS_STATUS) ? readFileSync(DEPS_STATUS, 'utf8').split('\n') : [];
    const reasons = missing.map(([pkg]) => recorded.find((l) => l.startsWith(`${pkg}:`)));
    if (reasons.every((r) => r !== undefined)) return { skip: `scripts/test-deps.sh could not install: ${reasons.join('; ')}` };
    return { error: `${missing.map(([p]) => p).join(', ')} missing and scripts/test-deps.sh recorded no failure: run \`bash scripts/test-deps.sh\`` };
  }
  if (process.getuid?.() !== 0) return { skip: 'needs root: sshd must run as root and the test creates (and removes) a throwaway local user' };
  return {};
}

const children = new Set<ChildProcess>();
const dir = mkdtempSync(join(tmpdir(), 'vigil-ssh-hydra-'));
const user = `vigiltest${randomBytes(4).toString('hex')}`;
let userCreated = false;
let privsepCreated = false;

after(async () => {
  await killAll(children);
  if (userCreated) spawnSync('userdel', ['-f', user], { timeout: 20_000 });
  if (privsepCreated) rmSync('/run/sshd', { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

/** A TCP port on 127.0.0.1 that was free a moment ago (sshd takes a port number, not a socket). */
async function freeTcpPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (addr === null || typeof addr === 'string') throw new Error('no TCP port');
  return addr.port;
}

type Alert = { id: string; rule: { id: string }; vigil: { alert: { group?: { source?: { ip?: string } }; evidence?: Array<{ user?: { name?: string }; event?: { outcome?: string } }> } } };

async function alerts(v: Vigil): Promise<Alert[]> {
  const res = await fetch(`${v.base}/api/v1/alerts?limit=100`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(5_000) });
  assert.equal(res.status, 200);
  return ((await res.json()) as { alerts: Alert[] }).alerts;
}

/** Polls GET /api/v1/alerts until `want` holds or `ms` have passed; the last list. */
async function waitAlerts(v: Vigil, want: (a: Alert[]) => boolean, ms: number): Promise<Alert[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const list = await alerts(v);
    if (want(list) || Date.now() > deadline) return list;
    await sleep(100);
  }
}

/** sshd -D -e: its log lines (stderr) are sent one by one through `logger` over TCP, as a syslog daemon would. */
async function startSshd(port: number, syslogPort: number): Promise<{ lines: string[] }> {
  const key = join(dir, 'ssh_host_ed25519_key');
  const keygen = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { timeoutMs: 20_000, children });
  assert.equal(keygen.code, 0, keygen.stderr);
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${key}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication no',
      'PermitRootLogin no',
      `AllowUsers ${user}`,
      'MaxAuthTries 6',
      'MaxStartups 50:30:100',
      'UseDNS no',
      'StrictModes no',
      'PrintMotd no',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  const logger = spawn('/usr/bin/logger', ['-n', '127.0.0.1', '-P', String(syslogPort), '-T', '--rfc3164', '-t', 'sshd', '-p', 'auth.info'], { stdio: ['pipe', 'ignore', 'pipe'] });
  children.add(logger);
  logger.once('exit', () => children.delete(logger));
  const sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(sshd);
  sshd.once('exit', () => {
    children.delete(sshd);
    logger.stdin.end();
  });
  const lines: string[] = [];
  let listening = false;
  createInterface({ input: sshd.stderr }).on('line', (raw) => {
    const line = raw.replace(/\r$/, '');
    if (lines.length < 10_000) lines.push(line);
    if (line.includes(`Server listening on 127.0.0.1 port ${port}`)) listening = true;
    logger.stdin.write(`${line}\n`);
  });
  const deadline = Date.now() + 10_000;
  while (!listening) {
    if (sshd.exitCode !== null || Date.now() > deadline) throw new Error(`sshd did not start: ${lines.join('\n')}`);
    await sleep(50);
  }
  return { lines };
}

test('hydra against a real sshd, then a successful login: brute-force and login-after alerts name 127.0.0.1 and the user within 5 s', { timeout: 180_000 }, async (t) => {
  const g = gate();
  if (g.skip !== undefined) return t.skip(g.skip);
  if (g.error !== undefined) assert.fail(g.error);

  const password = `Vt-${randomBytes(12).toString('base64url')}`;
  const add = spawnSync('useradd', ['-M', '-s', '/bin/sh', '-c', 'Vigil e2e throwaway', user], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(add.status, 0, add.stderr);
  userCreated = true;
  const pw = spawnSync('chpasswd', [], { input: `${user}:${password}\n`, encoding: 'utf8', timeout: 20_000 });
  assert.equal(pw.status, 0, pw.stderr);
  if (!existsSync('/run/sshd')) {
    mkdirSync('/run/sshd', { mode: 0o755 });
    privsepCreated = true;
  }

  const v = await startVigil(dir, { syslog: { host: '127.0.0.1', port: 0, udp: false, tcp: true } }, TOKEN, children);
  const syslogPort = await v.port('syslog_tcp');
  const sshPort = await freeTcpPort();
  const sshd = await startSshd(sshPort, syslogPort);

  writeFileSync(join(dir, 'users.txt'), `${user}\nadmin\noracle\n`);
  writeFileSync(join(dir, 'passwords.txt'), `123456\npassword\nadmin\nletmein\nqwerty\n${password}\n`);
  const hydra = await run('hydra', ['-I', '-t', '2', '-L', join(dir, 'users.txt'), '-P', join(dir, 'passwords.txt'), `ssh://127.0.0.1:${sshPort}`], { timeoutMs: 90_000, children });
  const attackEnd = Date.now();
  assert.equal(hydra.timedOut, false, `hydra ran out of time: ${hydra.stdout}`);
  assert.match(hydra.stdout, new RegExp(`login: ${user}\\s+password: `), `hydra found the password: ${hydra.stdout}\n${hydra.stderr}`);

  const brute = await waitAlerts(v, (l) => l.some((a) => a.rule.id === BRUTE_FORCE), 5_000);
  const bruteLatency = Date.now() - attackEnd;
  const b = brute.find((a) => a.rule.id === BRUTE_FORCE);
  assert.ok(b, `no brute-force alert within 5 s of the attack; sshd said:\n${sshd.lines.slice(-20).join('\n')}\nvigil:\n${v.stderr().slice(-2000)}`);
  assert.equal(b.vigil.alert.group?.source?.ip, '127.0.0.1');

  const login = await run('sshpass', ['-p', password, 'ssh', '-p', String(sshPort), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'PreferredAuthentications=password', '-o', 'PubkeyAuthentication=no', '-o', 'NumberOfPasswordPrompts=1', '-o', 'ConnectTimeout=5', '-o', 'LogLevel=ERROR', `${user}@127.0.0.1`, 'true'], { timeoutMs: 20_000, children });
  const loginEnd = Date.now();
  assert.equal(login.code, 0, `ssh login: ${login.stderr}`);

  const want = (a: Alert): boolean => a.rule.id === LOGIN_AFTER && a.vigil.alert.group?.source?.ip === '127.0.0.1' && (a.vigil.alert.evidence ?? []).some((e) => e.event?.outcome === 'success' && e.user?.name === user);
  const all = await waitAlerts(v, (l) => l.some(want), 5_000);
  const afterLatency = Date.now() - loginEnd;
  assert.ok(all.some(want), `no login-after-brute-force alert naming 127.0.0.1 and ${user} within 5 s: ${JSON.stringify(all.map((a) => [a.rule.id, a.vigil.alert.group]))}`);
  t.diagnostic(`brute-force alert ${bruteLatency} ms after hydra ended; login-after alert ${afterLatency} ms after the login; alerts: ${all.map((a) => a.rule.id).join(', ')}`);
  const stop = await v.stop();
  assert.equal(stop.code, 0, v.stderr().slice(-2000));
});
