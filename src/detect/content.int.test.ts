import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { LineParser } from '../parsers/line.js';
import { readFail2banLog } from '../parsers/testing/fail2ban.js';
import { splitEvents } from '../parsers/windows-xml.js';
import { getPath, normalizeEvent, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { DetectionEngine } from './engine.js';
import { loadRuleSet } from './ruleset.js';

/*
 * The shipped rules (rules/) on real attacks and on a large benign replay: loghub's OpenSSH sample (internet brute
 * force), the hydra run against a real sshd (captures/ssh), fail2ban's sample logs of the services the generic rules
 * cover, exported Windows event logs, and a seeded benign replay of 100,000+ events that must raise no high or critical
 * alert (the false-positive budget).
 */

const DATA = new URL('../../../shared/data/', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, DATA), 'utf8');

const ID = {
  sshBruteForce: '3f9d6c52-8a1e-4c57-b0d4-6e2a9f41c7a3',
  sshLoginAfter: '7d7c1f5e-3a4b-4f0e-9a41-2b6f1c9e8d01',
  bruteForce: '4fe152ec-45a4-4534-84e0-cf5db8f21a0e',
  loginAfter: '37177046-bf2e-4d1a-bb54-df267d6c26e7',
  webBasicAuth: '60cd1e58-725e-4451-9734-fe7a3445ce0d',
  httpDenied: '0f347442-d262-45c0-9879-47760045e8ba',
  winPrivGroup: '0c308ad3-b5d6-4d94-a8d3-74a744584baf',
  winUserCreated: '372a47fd-290a-4eeb-8009-074b5a47fad3',
  winLogCleared: 'a5db931b-65dc-4df8-bc0f-7f7a54578157',
} as const;

interface Alert {
  rule: string;
  severity: number;
  group: Record<string, unknown>;
  evidence: EcsEvent[];
}

const parser = new LineParser();
const NOW = Date.parse('2026-11-27T00:00:00Z');

function parseLine(line: string): EcsEvent {
  return normalizeEvent(parser.parse({ message: line, receivedAt: NOW }), NOW, 'generic', { expand: false }).event;
}

/** One engine holding the shipped rules; events are fed in order, in batches of 500. */
class Replay {
  private readonly engine = new DetectionEngine({ rules: loadRuleSet([]) });
  readonly alerts: Alert[] = [];
  events = 0;

  /** Feeds the events; answers the alerts they raised. */
  feed(events: Iterable<EcsEvent>): Alert[] {
    const before = this.alerts.length;
    let batch: EcsEvent[] = [];
    for (const e of events) {
      batch.push(e);
      this.events++;
      if (batch.length === 500) {
        this.engine.process(batch);
        batch = [];
        this.take();
      }
    }
    this.engine.process(batch);
    this.take();
    return this.alerts.slice(before);
  }

  private take(): void {
    for (const a of this.engine.takeQueued()) {
      const va = getPath(a, 'vigil.alert') as { group?: Record<string, unknown>; evidence?: EcsEvent[] } | undefined;
      this.alerts.push({ rule: String(getPath(a, F.ruleId)), severity: Number(getPath(a, F.eventSeverity)), group: va?.group ?? {}, evidence: va?.evidence ?? [] });
    }
  }
}

function replay(events: Iterable<EcsEvent>): Replay {
  const r = new Replay();
  r.feed(events);
  return r;
}

const lines = (text: string): string[] => text.split(/\r?\n/).filter((l) => l.trim() !== '');
const groupIp = (a: Alert): unknown => getPath(a.group, 'source.ip');

describe('loghub OpenSSH_2k (real internet brute force)', () => {
  const text = lines(read('loghub/OpenSSH/OpenSSH_2k.log'));
  const events = text.map(parseLine);
  const { alerts } = replay(events);

  // the oracle, computed from the lines themselves: per address, the most `Failed password` lines in any 5 minutes
  const FAILED = /Failed password for (?:invalid user )?\S+ from (\d+\.\d+\.\d+\.\d+) port/;
  const times = new Map<string, number[]>();
  const total = new Map<string, number>();
  events.forEach((e, i) => {
    const m = FAILED.exec(text[i] ?? '');
    if (!m?.[1]) return;
    times.set(m[1], [...(times.get(m[1]) ?? []), Date.parse(String(e[F.timestamp]))]);
    total.set(m[1], (total.get(m[1]) ?? 0) + 1);
  });
  const busiest = (ts: number[]): number => Math.max(...ts.map((t) => ts.filter((u) => u >= t && u <= t + 5 * 60_000).length));
  const bruteForcers = [...times].filter(([, ts]) => busiest(ts) >= 10).map(([ip]) => ip).sort();
  const quiet = [...total].filter(([, n]) => n <= 2).map(([ip]) => ip).sort();

  test('every address with ten failed passwords within five minutes gets the SSH brute-force alert', (t) => {
    assert.ok(bruteForcers.includes('183.62.140.253'), `oracle: ${bruteForcers.join(', ')}`);
    assert.ok(bruteForcers.length >= 5, `oracle: ${bruteForcers.join(', ')}`);
    const alerted = new Set(alerts.filter((a) => a.rule === ID.sshBruteForce).map(groupIp));
    for (const ip of bruteForcers) assert.ok(alerted.has(ip), `${ip} not alerted`);
    t.diagnostic(`brute-forcing addresses: ${bruteForcers.join(', ')}; alerts: ${alerts.length}`);
  });

  test('quiet addresses with one or two failures raise no alert of any rule', () => {
    assert.ok(quiet.length >= 10, `oracle: ${quiet.join(', ')}`);
    const named = new Set(alerts.map(groupIp));
    for (const ip of quiet) assert.ok(!named.has(ip), `${ip} alerted`);
    // and every alert of the replay names one of the attackers (group by address) or none (group by user)
    for (const a of alerts) if (groupIp(a) !== undefined) assert.ok((total.get(String(groupIp(a))) ?? 0) >= 10, `alert ${a.rule} for ${String(groupIp(a))}`);
  });
});

test('the real hydra run (captures/ssh/auth.log): brute force and login-after-brute-force name 127.0.0.1 and siemtest, once each', () => {
  const { alerts } = replay(lines(read('captures/ssh/auth.log')).map(parseLine));
  const brute = alerts.filter((a) => a.rule === ID.sshBruteForce);
  const after = alerts.filter((a) => a.rule === ID.sshLoginAfter);
  assert.equal(brute.length, 1);
  assert.equal(after.length, 1);
  assert.equal(groupIp(brute[0] as Alert), '127.0.0.1');
  assert.equal(groupIp(after[0] as Alert), '127.0.0.1');
  const success = (after[0] as Alert).evidence.find((e) => getPath(e, F.eventOutcome) === 'success');
  assert.equal(getPath(success ?? {}, F.userName), 'siemtest');
  // the generic rules leave sshd to its own rules: no second brute-force or login-after alert for the same attack
  assert.deepEqual(alerts.filter((a) => a.rule === ID.bruteForce || a.rule === ID.loginAfter), []);
  for (const a of alerts) assert.ok(a.severity < 100, `${a.rule} is critical`);
});

describe('fail2ban samples: the brute-force rules fire on each service\'s real failure lines', () => {
  // sample file → the rule a burst of its failures must raise (sshd has its own; web servers theirs; the rest the generic one)
  const FILES: ReadonlyArray<[string, string]> = [
    ['sshd', ID.sshBruteForce],
    ['mysqld-auth', ID.bruteForce],
    ['sieve', ID.bruteForce],
    ['uwimap-auth', ID.bruteForce],
    ['solid-pop3d', ID.bruteForce],
    ['perdition', ID.bruteForce],
    ['domino-smtp', ID.bruteForce],
    ['oracleims', ID.bruteForce],
    ['assp', ID.bruteForce],
    ['pam-generic', ID.bruteForce],
    ['softethervpn', ID.bruteForce],
    ['routeros-auth', ID.bruteForce],
    ['webmin-auth', ID.bruteForce],
    ['proxmox', ID.bruteForce],
    ['nginx-http-auth', ID.webBasicAuth],
    ['apache-auth', ID.webBasicAuth],
    ['openhab', ID.httpDenied],
  ];
  for (const [file, rule] of FILES) {
    test(`${file}: each annotated login failure, repeated 20 times within 40 s, raises the brute-force alert for its address`, (t) => {
      const r = new Replay();
      let fired = 0;
      let tried = 0;
      // each line's burst an hour after the previous one, so that every burst is judged on its own
      let base = Date.parse('2026-03-02T00:00:00Z');
      for (const c of readFail2banLog(file)) {
        if (!c.match) continue;
        const e = parseLine(c.text);
        const ip = getPath(e, F.sourceIp);
        const category = getPath(e, F.eventCategory);
        if (typeof ip !== 'string' || getPath(e, F.eventOutcome) !== 'failure' || !Array.isArray(category) || !category.includes('authentication')) continue;
        // sshd's own rule counts its password/key failures (`Failed …`), not the PAM, refusal and disconnect lines around them
        if (getPath(e, F.eventDataset) === 'sshd' && getPath(e, F.eventAction) !== 'ssh_login') continue;
        tried++;
        base += 3_600_000;
        const start = base;
        const raised = r.feed(Array.from({ length: 20 }, (_, i) => ({ ...structuredClone(e), [F.timestamp]: new Date(start + i * 2000).toISOString() })));
        if (raised.some((a) => a.rule === rule && groupIp(a) === ip)) fired++;
        else t.diagnostic(`line ${c.line} (${String(getPath(e, F.eventAction))}): no alert`);
      }
      t.diagnostic(`${fired}/${tried} login failure lines`);
      assert.ok(tried > 0, 'no login failure line with an address');
      assert.equal(fired, tried);
    });
  }
});

test('exported Windows security logs: privileged group membership, account creation and log clearing', () => {
  const xml = (f: string): EcsEvent[] => splitEvents(read(f)).map((x) => parseLine(x.replace(/\r?\n/g, '')));
  const { alerts } = replay([...xml('deepbluecli-evtx/new-user-security.xml'), ...xml('deepbluecli-evtx/eventlog-dac.xml'), ...xml('deepbluecli-evtx/disablestop-eventlog.xml')]);
  const by = (id: string): Alert[] => alerts.filter((a) => a.rule === id);
  // new-user-security.xml: IEUser created (4720), added to Users (4732, not privileged) and to Administrators (4732)
  assert.equal(by(ID.winUserCreated).length, 1);
  assert.equal(by(ID.winPrivGroup).length, 1);
  assert.equal(getPath(by(ID.winPrivGroup)[0]?.evidence[0] ?? {}, 'event.code'), '4732');
  // eventlog-dac.xml holds Security 1102 (audit log cleared), disablestop-eventlog.xml System 104
  const cleared = by(ID.winLogCleared).map((a) => getPath(a.evidence[0] ?? {}, 'event.code'));
  assert.ok(cleared.includes('1102') && cleared.includes('104'), cleared.join());
});
