import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineParser } from '../../parsers/line.js';
import type { EcsEvent } from '../../schema/event.js';
import { compileRules } from './compile.js';
import { loadSigmaText } from './load.js';

/* The compiled matcher as a whole: logsource routing, field mapping, explanations, rules that throw or overrun. */

function rules(text: string): ReturnType<typeof loadSigmaText> {
  const r = loadSigmaText(text, 'engine.yml');
  assert.deepEqual(r.problems, []);
  return r;
}

const rule = (id: string, logsource: string, detection: string): string => `title: ${id}\nid: ${id}\nlogsource:\n${logsource.replace(/^/gm, '  ')}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;

const sysmon = (id: number, data: Record<string, string>): EcsEvent => ({
  event: { code: String(id) },
  winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', provider_name: 'Microsoft-Windows-Sysmon', event_id: id, event_data: data },
});
const security = (id: number, data: Record<string, string>): EcsEvent => ({
  event: { code: String(id) },
  winlog: { channel: 'Security', provider_name: 'Microsoft-Windows-Security-Auditing', event_id: id, event_data: data },
});

describe('logsource routing and field mapping', () => {
  const r = rules(
    [
      rule('proc', 'category: process_creation\nproduct: windows', "sel:\n  Image|endswith: '\\whoami.exe'\ncondition: sel"),
      rule('sec', 'product: windows\nservice: security', 'sel:\n  EventID: 4625\ncondition: sel'),
      rule('file', 'category: file_event\nproduct: windows', "sel:\n  TargetFilename|endswith: '.lnk'\ncondition: sel"),
      rule('ssh', 'product: linux\nservice: sshd', "kw:\n  - 'POSSIBLE BREAK-IN ATTEMPT'\ncondition: kw"),
      rule('web', 'category: webserver', "sel:\n  cs-uri-query|contains: '/etc/passwd'\n  sc-status: 200\ncondition: sel"),
    ].join('---\n'),
  );
  const m = compileRules(r.rules);
  const ids = (e: EcsEvent): string[] => m.match(e).map((x) => x.rule.id).sort();

  test('process_creation: Sysmon 1 and Security 4688 (NewProcessName is Image)', () => {
    assert.deepEqual(ids(sysmon(1, { Image: 'C:\\Windows\\System32\\whoami.exe' })), ['proc']);
    assert.deepEqual(ids(security(4688, { NewProcessName: 'C:\\Windows\\System32\\whoami.exe' })), ['proc']);
    // the same field in another category is not a process creation
    assert.deepEqual(ids(sysmon(7, { Image: 'C:\\Windows\\System32\\whoami.exe' })), []);
  });

  test('service security: the Security channel, EventID from event.code', () => {
    assert.deepEqual(ids(security(4625, {})), ['sec']);
    assert.deepEqual(ids(security(4624, {})), []);
    assert.deepEqual(ids({ ...sysmon(4625, {}) }), []);
  });

  test('file_event: Sysmon 11', () => {
    assert.deepEqual(ids(sysmon(11, { TargetFilename: 'C:\\x\\a.LNK' })), ['file']);
    assert.deepEqual(ids(sysmon(1, { TargetFilename: 'C:\\x\\a.lnk' })), []);
  });

  test('linux sshd keyword rule on a real line through the line parser, not on other programs', () => {
    const p = new LineParser();
    const line = (l: string): EcsEvent => p.parse({ message: l, receivedAt: Date.now() });
    assert.deepEqual(ids(line('Dec 10 07:07:38 LabSZ sshd[24206]: reverse mapping checking getaddrinfo for 200.17.42.177 failed - POSSIBLE BREAK-IN ATTEMPT!')), ['ssh']);
    assert.deepEqual(ids(line('Dec 10 07:07:38 LabSZ cron[1]: POSSIBLE BREAK-IN ATTEMPT!')), []);
  });

  test('web taxonomy names map to ECS fields', () => {
    assert.deepEqual(ids({ event: { dataset: 'apache.access' }, url: { query: 'f=../../etc/passwd' }, http: { response: { status_code: 200 } } }), ['web']);
    assert.deepEqual(ids({ event: { dataset: 'apache.access' }, url: { query: 'f=../../etc/passwd' }, http: { response: { status_code: 404 } } }), []);
    assert.deepEqual(ids({ event: { dataset: 'sshd' }, url: { query: '/etc/passwd' }, http: { response: { status_code: 200 } } }), []);
  });

  test('explanations name the selections that matched', () => {
    const [x] = m.match(sysmon(1, { Image: 'C:\\whoami.exe' }));
    assert.deepEqual(x?.explanation, ["sel: Image|endswith '\\whoami.exe'"]);
  });
});

describe('robustness', () => {
  test('a rule that throws is disabled and reported; the others keep matching', () => {
    // `re` has no literal for the prefilter, so the field is first read by the rule itself
    const r = rules([rule('a', 'definition: x', "sel:\n  F|re: 'x'\ncondition: sel"), rule('b', 'definition: x', 'sel:\n  G: y\ncondition: sel'), rule('c', 'definition: x', 'sel:\n  H: z\ncondition: sel')].join('---\n'));
    const m = compileRules(r.rules);
    const hostile: EcsEvent = {
      G: 'y',
      get F(): string {
        throw new Error('hostile getter');
      },
      // read by the prefilter: counts as absent, disables nothing
      get H(): string {
        throw new Error('hostile getter');
      },
    };
    assert.deepEqual(
      m.match(hostile).map((x) => x.rule.id),
      ['b'],
    );
    assert.equal(m.stats.disabled, 1);
    assert.equal(m.problems[0]?.code, 'SIGMA_RULE_THREW');
    assert.equal(m.problems[0]?.ruleId, 'a');
    assert.deepEqual(
      m.match({ F: 'x', G: 'y', H: 'z' }).map((x) => x.rule.id).sort(),
      ['b', 'c'],
    );
  });

  test('a rule that runs past the time budget is disabled', () => {
    const r = rules([rule('slow', 'definition: x', "sel:\n  F|re: '^[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*b$'\ncondition: sel"), rule('fast', 'definition: x', 'sel:\n  G: y\ncondition: sel')].join('---\n'));
    const m = compileRules(r.rules, { ruleBudgetMs: 1 });
    // polynomial backtracking (not screened out at load: no nested quantifier), milliseconds on 50 characters
    const e: EcsEvent = { F: `${'a'.repeat(50)}c`, G: 'y' };
    assert.deepEqual(
      m.match(e).map((x) => x.rule.id),
      ['fast'],
    );
    assert.equal(m.problems[0]?.code, 'SIGMA_RULE_BUDGET');
    assert.equal(m.problems[0]?.ruleId, 'slow');
    assert.equal(m.stats.disabled, 1);
  });

  test('hostile events never throw out of match', () => {
    const r = rules(rule('k', 'definition: x', "kw:\n  - evil\nsel:\n  F|contains: x\n  n|gt: 3\ncondition: kw or sel"));
    const m = compileRules(r.rules);
    const weird: EcsEvent[] = [{}, { message: 42 }, { F: { nested: 1 }, n: 'NaN' }, { F: [null, 1, 'x'], n: [1, 5] }, { message: 'x'.repeat(100_000) }, JSON.parse('{"__proto__": {"F": "x"}}') as EcsEvent];
    const throwing: EcsEvent = {};
    Object.defineProperty(throwing, 'winlog', {
      enumerable: true,
      get(): never {
        throw new Error('hostile');
      },
    });
    weird.push(throwing);
    for (const e of weird) assert.doesNotThrow(() => m.match(e));
    assert.equal(m.stats.unreadable, 1);
    assert.equal(m.match({ F: [null, 1, 'x'], n: [1, 5] }).length, 1);
  });

  test('an unknown placeholder rejects the rule at compile time, with its code', () => {
    const r = rules(rule('p', 'definition: x', "sel:\n  H|expand: '%unknown%'\ncondition: sel"));
    const m = compileRules(r.rules);
    assert.equal(m.rules.length, 0);
    assert.equal(m.problems[0]?.code, 'SIGMA_UNKNOWN_PLACEHOLDER');
  });
});
