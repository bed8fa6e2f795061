import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { LineParser } from './line.js';
import { NETWORK_FORMATS } from './registry-network.js';
import { FAIL2BAN_LOGS, formatTable, isFailureEvent, readFail2banLog, runFail2banFile, type FileResult } from './testing/fail2ban.js';

/**
 * fail2ban sample files of DNS servers, scan detectors, the Cowrie honeypot and fail2ban's own log. Every annotated
 * line of each listed file must pass, routed without an explicit format.
 *
 * recidive: fail2ban's recidive filter skips bans by the recidive jail itself (so that its own output does not feed
 * it); its sample annotates that line `match: false` without a host. Vigil reports that ban like any other (a denial
 * of the address, rule.name `recidive`): asserted below.
 */
const FULL = ['named-refused', 'nsd', 'portsentry', 'scanlogd', 'recidive', 'cowrie'];

const parser = new LineParser(() => Date.UTC(2005, 7, 14, 10));
function parse(line: string): EcsEvent {
  return parser.parse({ message: line, receivedAt: 0 });
}

test('fail2ban conformance: network, DNS, scan detector, honeypot and fail2ban log parsers', (t) => {
  const results: FileResult[] = FULL.map((f) => runFail2banFile(f));
  for (const row of formatTable(results).split('\n')) t.diagnostic(row);
  for (const r of results) {
    assert.deepEqual(r.failures, [], `${r.file}: ${r.failures.map((x) => `line ${x.line}: ${x.reason}`).join('; ')}`);
    assert.equal(r.matchPassed, r.matchLines);
    assert.equal(r.noMatchPassed, r.noMatchLines);
  }
  const recidive = readFail2banLog('recidive').find((c) => c.text.includes('[recidive] Ban'));
  assert.ok(recidive);
  const e = parse(recidive.text);
  assert.equal(getPath(e, 'event.action'), 'ban');
  assert.equal(getPath(e, 'rule.name'), 'recidive');
  assert.equal(getPath(e, 'source.ip'), '1.2.3.4');
});

/**
 * zzz-generic-example belongs to a test-only fail2ban filter for a fictitious daemon (`test-demo`, message
 * `F2B: failure from <HOST>`) that exercises the syslog prefixes fail2ban accepts. Vigil has no parser for a product
 * that does not exist, so none of its lines is a failure: asserted here for every line. What the file is about, the
 * prefix, is checked below: the program name and the message must come out of the header.
 */
test('fail2ban zzz-generic-example: a fictitious daemon, no failure events', (t) => {
  const r = runFail2banFile('zzz-generic-example');
  t.diagnostic(formatTable([r]).split('\n')[0] ?? '');
  for (const c of readFail2banLog('zzz-generic-example')) assert.equal(isFailureEvent(parse(c.text)), false, `line ${c.line}`);
  assert.equal(r.noMatchPassed, r.noMatchLines);
});

/**
 * The header split of the zzz-generic-example lines: program `test-demo` (or `kernel`; `test-demo(pam_unix)` keeps its
 * module, as `sshd(pam_unix)` does) and the `F2B: …` message.
 */
function prefixFailures(): string[] {
  const out: string[] = [];
  for (const c of readFail2banLog('zzz-generic-example')) {
    if (!c.match) continue;
    const e = parse(c.text);
    const msg = getPath(e, 'message');
    const program = String(getPath(e, 'process.name')).replace(/\(pam_\w+\)$/, '');
    const ok = typeof msg === 'string' && /^(?:\[ *\d+\.\d+\] )? *F2B: (?:failure|error) from /.test(msg) && ['test-demo', 'kernel'].includes(program);
    if (!ok) out.push(`line ${c.line}: process ${String(getPath(e, 'process.name'))}, message ${String(msg)}`);
  }
  return out;
}

test('fail2ban zzz-generic-example: `host test-demo[pid]:` prefixes are read', () => {
  const lines = readFail2banLog('zzz-generic-example').filter((c) => c.match && /^(?:\w{3} \d\d [\d:]{8}|0000-12-30 [\d:]{8}) (?:\S+ )?test-demo\[\d+\]: /.test(c.text));
  assert.equal(lines.length, 4);
  for (const c of lines) {
    const e = parse(c.text);
    assert.equal(getPath(e, 'process.name'), 'test-demo', `line ${c.line}`);
    assert.match(String(getPath(e, 'message')), /^ ?F2B: failure from 192\.0\.2\.\d$/);
  }
});

test('fail2ban zzz-generic-example: every prefix fail2ban accepts', () => {
  assert.deepEqual(prefixFailures(), []);
});

/** The three FreeBSD syslogd output formats of the same sshd messages (no failJSON: expectations from the lines). */
const BSD = new URL('bsd/', FAIL2BAN_LOGS);
function bsdLines(name: string): string[] {
  return readFileSync(new URL(name, BSD), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}
const FIELDS = ['event.dataset', 'event.action', 'event.outcome', 'source.ip', 'source.domain', 'user.name', 'host.name', 'process.name', 'process.pid', '@timestamp'];
function fields(e: EcsEvent): unknown[] {
  return FIELDS.map((f) => getPath(e, f));
}

test('fail2ban bsd/syslog-plain.txt: FreeBSD sshd lines', () => {
  const events = bsdLines('syslog-plain.txt').map(parse);
  assert.deepEqual(
    events.map((e) => fields(e).slice(0, 8)),
    [
      ['sshd', 'invalid_user', 'failure', '192.0.2.100', undefined, 'oracle', 'pancake', 'sshd'],
      ['sshd', 'ssh_login', 'failure', undefined, 'example.com', 'oracle', 'pancake', 'sshd'],
      ['sshd', 'ssh_login', 'failure', '192.0.2.100', undefined, 'oracle', 'pancake', 'sshd'],
    ],
  );
});

/** A `-v` / `-vv` line must read as the same line without its `<4.3>` / `<auth.info>` priority. */
function verboseMismatches(name: string): string[] {
  const out: string[] = [];
  for (const line of bsdLines(name)) {
    const plain = line.replace(/^(\w{3} [ \d]\d [\d:]{8}) <[\w.]{1,32}> /, '$1 ');
    assert.notEqual(plain, line);
    const want = fields(parse(plain));
    assert.equal(want[0], 'sshd', plain);
    const got = fields(parse(line));
    if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`${line}: ${JSON.stringify(got)}`);
  }
  return out;
}

test('fail2ban bsd/syslog-v.txt and syslog-vv.txt: the priority after the time', () => {
  assert.deepEqual([...verboseMismatches('syslog-v.txt'), ...verboseMismatches('syslog-vv.txt')], []);
});

/** Datasets of this group, and the sample files whose lines may carry them. */
const OWN_FILES: Readonly<Record<string, readonly string[]>> = {
  named: ['named-refused'],
  nsd: ['nsd'],
  portsentry: ['portsentry'],
  scanlogd: ['scanlogd'],
  fail2ban: ['recidive'],
  cowrie: ['cowrie'],
};

test('the network formats and parsers claim no line of any other fail2ban sample file', () => {
  const files = readdirSync(FAIL2BAN_LOGS).filter((f) => statSync(new URL(f, FAIL2BAN_LOGS)).isFile());
  assert.ok(files.length > 60);
  const stolen: string[] = [];
  let claimed = 0;
  for (const file of files) {
    for (const c of readFail2banLog(file)) {
      const ds = String(getPath(parse(c.text), 'event.dataset'));
      const owners = OWN_FILES[ds];
      if (owners?.includes(file) === true) claimed++;
      else if (owners !== undefined) stolen.push(`${ds} took ${file}:${c.line}`);
      for (const f of NETWORK_FORMATS) {
        if (f.sniff(c.text) && f.parse(c.text, {}) && OWN_FILES[f.dataset]?.includes(file) !== true) stolen.push(`${f.name} took ${file}:${c.line}`);
      }
    }
  }
  assert.deepEqual(stolen, []);
  // every line of the group's files but cowrie's one non-JSON line
  assert.equal(claimed, 16 + 3 + 2 + 4 + 9 + 6);
});
