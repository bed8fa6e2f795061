import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EcsEvent } from '../../schema/event.js';
import { compileRules, type CompileOptions } from './compile.js';
import { loadSigmaText } from './load.js';

/*
 * Oracle suite, written from the Sigma specification (rules spec v2.1 "Detection", modifiers appendix v2.1):
 * each case is a detection section, events it must match and events it must not.
 */

function matcher(detection: string, opts: CompileOptions = {}): (e: EcsEvent) => boolean {
  const yaml = `title: t\nid: r1\nlogsource:\n  definition: oracle\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;
  const r = loadSigmaText(yaml, 'oracle.yml');
  assert.deepEqual(r.problems, [], `load problems: ${JSON.stringify(r.problems)}`);
  const m = compileRules(r.rules, opts);
  assert.deepEqual(m.problems, []);
  return (e) => m.match(e).length > 0;
}

interface Case {
  name: string;
  detection: string;
  yes: EcsEvent[];
  no: EcsEvent[];
  opts?: CompileOptions;
}

function run(cases: Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const m = matcher(c.detection, c.opts);
      for (const e of c.yes) assert.equal(m(e), true, `${c.name}: should match ${JSON.stringify(e)}`);
      for (const e of c.no) assert.equal(m(e), false, `${c.name}: should not match ${JSON.stringify(e)}`);
    });
  }
}

describe('strings: case-insensitive full-value match, wildcards, escapes', () => {
  run([
    { name: 'plain value matches the whole value, any case', detection: "sel:\n  F: 'Evil.EXE'\ncondition: sel", yes: [{ F: 'evil.exe' }, { F: 'EVIL.EXE' }], no: [{ F: 'evil.exe ' }, { F: 'xevil.exe' }, { F: 'evil' }, {}] },
    { name: '* is any run of characters', detection: "sel:\n  F: 'a*c'\ncondition: sel", yes: [{ F: 'ac' }, { F: 'abc' }, { F: 'ABBBC' }], no: [{ F: 'ab' }, { F: 'bac' }] },
    { name: '? is exactly one character', detection: "sel:\n  F: 'prog?.exe'\ncondition: sel", yes: [{ F: 'progA.exe' }, { F: 'prog1.exe' }], no: [{ F: 'prog.exe' }, { F: 'progAB.exe' }] },
    { name: '\\* is a plain star', detection: "sel:\n  F: 'a\\*c'\ncondition: sel", yes: [{ F: 'a*c' }], no: [{ F: 'abc' }, { F: 'ac' }] },
    { name: '\\? is a plain question mark', detection: "sel:\n  F: 'what\\?'\ncondition: sel", yes: [{ F: 'what?' }], no: [{ F: 'whatx' }] },
    { name: '\\\\ is one backslash', detection: "sel:\n  F: 'C:\\\\Windows'\ncondition: sel", yes: [{ F: 'C:\\Windows' }], no: [{ F: 'C:\\\\Windows' }] },
    { name: 'a single backslash before another character is plain', detection: "sel:\n  F: 'C:\\Windows\\System32'\ncondition: sel", yes: [{ F: 'c:\\windows\\system32' }], no: [{ F: 'C:Windows' }] },
    { name: '\\\\* is a backslash then a wildcard', detection: "sel:\n  F: 'C:\\\\*'\ncondition: sel", yes: [{ F: 'C:\\' }, { F: 'C:\\Windows' }], no: [{ F: 'C:' }, { F: 'C:*' }] },
    { name: '\\\\\\* is a backslash then a plain star', detection: "sel:\n  F: 'a\\\\\\*'\ncondition: sel", yes: [{ F: 'a\\*' }], no: [{ F: 'a\\x' }, { F: 'a\\' }] },
    { name: 'a value ending in a backslash (endswith)', detection: "sel:\n  F|endswith: '\\Temp\\'\ncondition: sel", yes: [{ F: 'C:\\Users\\x\\Temp\\' }], no: [{ F: 'C:\\Temp\\a' }] },
    { name: 'a value ending in a backslash (contains)', detection: "sel:\n  F|contains: '\\AppData\\Local\\Temp\\'\ncondition: sel", yes: [{ F: 'C:\\Users\\x\\AppData\\Local\\Temp\\a.exe' }], no: [{ F: 'C:\\AppData\\Local\\Temp' }] },
    { name: 'a value ending in a backslash (startswith)', detection: "sel:\n  F|startswith: 'C:\\Windows\\'\ncondition: sel", yes: [{ F: 'C:\\Windows\\x' }], no: [{ F: 'C:\\Windowsx' }] },
    { name: 'empty string matches only the empty value', detection: "sel:\n  F: ''\ncondition: sel", yes: [{ F: '' }], no: [{ F: 'x' }, {}, { F: null }] },
    { name: 'null matches an absent or null field', detection: 'sel:\n  F: null\ncondition: sel', yes: [{}, { F: null }], no: [{ F: '' }, { F: 'x' }] },
    { name: 'not null: a negated null selection', detection: 'sel:\n  F: null\ncondition: not sel', yes: [{ F: '' }, { F: 'x' }], no: [{}] },
  ]);
});

describe('lists, maps, numbers, arrays, keywords', () => {
  run([
    { name: 'list of values is OR', detection: "sel:\n  F:\n    - a\n    - b\ncondition: sel", yes: [{ F: 'a' }, { F: 'B' }], no: [{ F: 'c' }] },
    { name: 'map is AND', detection: 'sel:\n  F: a\n  G: b\ncondition: sel', yes: [{ F: 'a', G: 'b' }], no: [{ F: 'a' }, { G: 'b' }, { F: 'a', G: 'c' }] },
    { name: 'list of maps is OR of ANDs', detection: 'sel:\n  - F: a\n    G: b\n  - H: c\ncondition: sel', yes: [{ F: 'a', G: 'b' }, { H: 'c' }], no: [{ F: 'a' }, { G: 'b', H: 'x' }] },
    { name: 'a number matches its text and the number', detection: 'sel:\n  EventID: 4688\ncondition: sel', yes: [{ EventID: 4688 }, { EventID: '4688' }], no: [{ EventID: 46880 }, { EventID: '468' }] },
    { name: 'a quoted number matches the number', detection: "sel:\n  EventID: '4688'\ncondition: sel", yes: [{ EventID: 4688 }], no: [{ EventID: 4689 }] },
    { name: 'a hex number as written', detection: 'sel:\n  T: 0x17\ncondition: sel', yes: [{ T: '0x17' }, { T: 23 }], no: [{ T: '0x18' }] },
    { name: 'arrays in events match if any element does', detection: 'sel:\n  tags: evil\ncondition: sel', yes: [{ tags: ['a', 'EVIL'] }], no: [{ tags: ['a', 'b'] }, { tags: [] }] },
    { name: 'nested ECS paths', detection: 'sel:\n  process.name: sshd\ncondition: sel', yes: [{ process: { name: 'sshd' } }, { 'process.name': 'sshd' }], no: [{ process: { name: 'cron' } }] },
    { name: 'keywords: a list of plain values searches the message (OR)', detection: 'keywords:\n  - event::clear\n  - event::drop\ncondition: keywords', yes: [{ message: 'mimikatz # event::clear done' }, { event: { original: 'x EVENT::DROP' } }], no: [{ message: 'event::list' }, {}] },
    { name: "keywords with '|all' need every value", detection: "keywords:\n  '|all':\n    - OabVirtualDirectory\n    - ' -ExternalUrl '\ncondition: keywords", yes: [{ message: 'Set-OabVirtualDirectory -ExternalUrl http://x' }], no: [{ message: 'Set-OabVirtualDirectory' }, { message: ' -ExternalUrl ' }] },
    { name: 'keyword with wildcards', detection: "keywords:\n  - 'fail*root'\ncondition: keywords", yes: [{ message: 'Failed password for root' }], no: [{ message: 'root failed' }] },
  ]);
});

describe('modifiers', () => {
  run([
    { name: 'contains', detection: "sel:\n  F|contains: 'mimi'\ncondition: sel", yes: [{ F: 'x MIMIkatz' }, { F: 'mimi' }], no: [{ F: 'mim' }] },
    { name: 'startswith', detection: "sel:\n  F|startswith: 'adm'\ncondition: sel", yes: [{ F: 'Admin' }], no: [{ F: 'xadm' }] },
    { name: 'endswith', detection: "sel:\n  F|endswith: '\\cmd.exe'\ncondition: sel", yes: [{ F: 'C:\\Windows\\System32\\CMD.EXE' }], no: [{ F: 'C:\\cmd.exe.bak' }, { F: 'xcmd.exe' }] },
    { name: 'contains|all', detection: "sel:\n  F|contains|all:\n    - ' -a'\n    - ' -b'\ncondition: sel", yes: [{ F: 'x -b -a' }], no: [{ F: 'x -a' }] },
    { name: 'all on a list of exact values needs every value (in an array field)', detection: 'sel:\n  F|all:\n    - a\n    - b\ncondition: sel', yes: [{ F: ['a', 'b', 'c'] }], no: [{ F: ['a'] }, { F: 'a' }] },
    { name: 'cased', detection: "sel:\n  F|cased: 'Evil'\ncondition: sel", yes: [{ F: 'Evil' }], no: [{ F: 'evil' }, { F: 'EVIL' }] },
    { name: 'cased|contains', detection: "sel:\n  F|cased|contains: 'Evil'\ncondition: sel", yes: [{ F: 'anEvil' }], no: [{ F: 'anevil' }] },
    { name: 're is case-sensitive and unanchored', detection: "sel:\n  F|re: 'ab+c'\ncondition: sel", yes: [{ F: 'xxabbbcxx' }], no: [{ F: 'ABC' }, { F: 'ac' }] },
    { name: 're|i', detection: "sel:\n  F|re|i: '^abc$'\ncondition: sel", yes: [{ F: 'ABC' }], no: [{ F: 'xabc' }] },
    { name: 're inline (?i)', detection: "sel:\n  F|re: '(?i)^abc$'\ncondition: sel", yes: [{ F: 'AbC' }], no: [{ F: 'abcd' }] },
    { name: 're|m: ^ and $ at line ends', detection: "sel:\n  F|re|m: '^b$'\ncondition: sel", yes: [{ F: 'a\nb\nc' }], no: [{ F: 'ab' }] },
    { name: 'without m, ^ is the start of the value', detection: "sel:\n  F|re: '^b$'\ncondition: sel", yes: [{ F: 'b' }], no: [{ F: 'a\nb' }] },
    { name: 're|s: dot matches newline', detection: "sel:\n  F|re|s: 'a.b'\ncondition: sel", yes: [{ F: 'a\nb' }], no: [{ F: 'ab' }] },
    { name: 're without s: dot does not match newline', detection: "sel:\n  F|re: 'a.b'\ncondition: sel", yes: [{ F: 'axb' }], no: [{ F: 'a\nb' }] },
    { name: 're: backslashes are regex escapes, not Sigma escapes', detection: "sel:\n  F|re: '\\\\cmd\\.exe$'\ncondition: sel", yes: [{ F: 'C:\\cmd.exe' }], no: [{ F: 'C:\\cmdxexe' }] },
    { name: 'cidr v4', detection: "sel:\n  ip|cidr: 10.0.0.0/8\ncondition: sel", yes: [{ ip: '10.1.2.3' }], no: [{ ip: '11.0.0.1' }, { ip: 'x' }, {}] },
    { name: 'cidr v6', detection: "sel:\n  ip|cidr: 'fe80::/10'\ncondition: sel", yes: [{ ip: 'fe80::1' }, { ip: 'FEBF::1' }], no: [{ ip: 'fec0::1' }, { ip: '10.0.0.1' }] },
    { name: 'cidr list is OR', detection: "sel:\n  ip|cidr:\n    - 192.168.0.0/16\n    - 172.16.0.0/12\ncondition: sel", yes: [{ ip: '172.20.1.1' }], no: [{ ip: '172.32.0.1' }] },
    { name: 'base64 (case-sensitive)', detection: "sel:\n  F|base64|contains: 'http://'\ncondition: sel", yes: [{ F: 'xx aHR0cDovLw== yy' }], no: [{ F: 'AHR0CDOVLW==' }] },
    { name: 'base64offset|contains finds the value at each offset', detection: "sel:\n  F|base64offset|contains: 'IEX'\ncondition: sel", yes: [{ F: Buffer.from('IEX (x)').toString('base64') }, { F: Buffer.from('aIEX').toString('base64') }, { F: Buffer.from('abIEX').toString('base64') }], no: [{ F: Buffer.from('nothing here').toString('base64') }] },
    { name: 'wide|base64offset|contains (UTF-16LE then base64)', detection: "sel:\n  F|wide|base64offset|contains: 'ping'\ncondition: sel", yes: [{ F: Buffer.from('cmd /c ping x', 'utf16le').toString('base64') }], no: [{ F: Buffer.from('cmd /c ping x').toString('base64') }] },
    { name: 'utf16be|base64', detection: "sel:\n  F|utf16be|base64: 'cmd'\ncondition: sel", yes: [{ F: Buffer.from('\u0000c\u0000m\u0000d', 'latin1').toString('base64') }], no: [{ F: Buffer.from('cmd').toString('base64') }] },
    { name: 'utf16 has a byte order mark', detection: "sel:\n  F|utf16|base64: 'ab'\ncondition: sel", yes: [{ F: Buffer.from('\xff\xfea\u0000b\u0000', 'latin1').toString('base64') }], no: [{ F: Buffer.from('a\u0000b\u0000', 'latin1').toString('base64') }] },
    { name: 'windash: - / and the dashes are interchangeable', detection: "sel:\n  F|windash|contains: ' -enc '\ncondition: sel", yes: [{ F: 'p.exe -enc x' }, { F: 'p.exe /enc x' }, { F: 'p.exe \u2013enc x' }, { F: 'p.exe \u2014enc x' }, { F: 'p.exe \u2015enc x' }], no: [{ F: 'p.exe enc x' }, { F: 'p.exe +enc x' }] },
    { name: 'exists: true', detection: 'sel:\n  F|exists: true\ncondition: sel', yes: [{ F: '' }, { F: 'x' }, { F: null }], no: [{}] },
    { name: 'exists: false', detection: 'sel:\n  F|exists: false\ncondition: sel', yes: [{}], no: [{ F: '' }] },
    { name: 'gt / gte / lt / lte', detection: 'a:\n  n|gt: 10\nb:\n  n|lte: 20\ncondition: a and b', yes: [{ n: 11 }, { n: '20' }], no: [{ n: 10 }, { n: 21 }, { n: 'x' }, {}] },
    { name: 'gte and lt bounds', detection: 'a:\n  n|gte: 10\nb:\n  n|lt: 20\ncondition: a and b', yes: [{ n: 10 }, { n: 19.5 }], no: [{ n: 9 }, { n: 20 }] },
    { name: 'neq: a present field different from every value', detection: 'sel:\n  F|neq:\n    - a\n    - b\ncondition: sel', yes: [{ F: 'c' }], no: [{ F: 'a' }, { F: 'B' }, {}] },
    { name: 'fieldref: two fields equal', detection: 'sel:\n  A|fieldref: B\ncondition: sel', yes: [{ A: 'x', B: 'X' }], no: [{ A: 'x', B: 'y' }, { A: 'x' }] },
    { name: 'fieldref|neq: two fields differ', detection: 'sel:\n  A|fieldref|neq: B\ncondition: sel', yes: [{ A: 'x', B: 'y' }], no: [{ A: 'x', B: 'x' }] },
    { name: 'expand: placeholders from config (OR of the values, which may have wildcards)', detection: "sel:\n  H|expand: '%Servers%'\ncondition: sel", opts: { placeholders: { Servers: ['srv*', 'dc01'] } }, yes: [{ H: 'srv42' }, { H: 'DC01' }], no: [{ H: 'ws1' }] },
    { name: 'expand: \\% is a plain percent', detection: "sel:\n  H|expand: '\\%a%x%'\ncondition: sel", opts: { placeholders: { x: ['1'] } }, yes: [{ H: '%a1' }], no: [{ H: '%a%x%' }] },
    { name: 'without expand, %name% is literal', detection: "sel:\n  H: '%Servers%'\ncondition: sel", yes: [{ H: '%servers%' }], no: [{ H: 'srv1' }] },
    { name: 'hour', detection: 'sel:\n  t|hour: 3\ncondition: sel', yes: [{ t: '2024-05-01T03:59:00Z' }], no: [{ t: '2024-05-01T04:00:00Z' }, { t: 'x' }] },
    { name: 'minute|gte', detection: 'sel:\n  t|minute|gte: 30\ncondition: sel', yes: [{ t: '2024-05-01T03:30:00Z' }], no: [{ t: '2024-05-01T03:29:59Z' }] },
    { name: 'day / month / year', detection: 'a:\n  t|day: 31\nb:\n  t|month: 12\nc:\n  t|year: 2023\ncondition: a and b and c', yes: [{ t: '2023-12-31T23:00:00Z' }], no: [{ t: '2024-12-31T23:00:00Z' }] },
    { name: 'week (ISO)', detection: 'sel:\n  t|week: 1\ncondition: sel', yes: [{ t: '2024-01-03T00:00:00Z' }], no: [{ t: '2024-01-10T00:00:00Z' }] },
  ]);
});

describe('conditions', () => {
  const base = 'a:\n  A: 1\nb:\n  B: 1\nc:\n  C: 1\n_x:\n  X: 1\n';
  run([
    { name: 'and binds tighter than or', detection: `${base}condition: a or b and c`, yes: [{ A: 1 }, { B: 1, C: 1 }], no: [{ B: 1 }, { C: 1 }] },
    { name: 'parentheses', detection: `${base}condition: (a or b) and c`, yes: [{ A: 1, C: 1 }, { B: 1, C: 1 }], no: [{ A: 1 }] },
    { name: 'not binds tighter than and', detection: `${base}condition: not a and b`, yes: [{ B: 1 }], no: [{ A: 1, B: 1 }, {}] },
    { name: 'not not', detection: `${base}condition: not not a`, yes: [{ A: 1 }], no: [{}] },
    { name: '1 of pattern', detection: 'sel_a:\n  A: 1\nsel_b:\n  B: 1\nother:\n  C: 1\ncondition: 1 of sel_*', yes: [{ A: 1 }, { B: 1 }], no: [{ C: 1 }] },
    { name: 'any of pattern', detection: 'sel_a:\n  A: 1\nsel_b:\n  B: 1\ncondition: any of sel*', yes: [{ B: 1 }], no: [{}] },
    { name: 'all of pattern', detection: 'sel_a:\n  A: 1\nsel_b:\n  B: 1\nother:\n  C: 1\ncondition: all of sel_*', yes: [{ A: 1, B: 1 }], no: [{ A: 1, C: 1 }] },
    { name: '1 of them ignores _ identifiers', detection: `${base}condition: 1 of them`, yes: [{ A: 1 }, { C: 1 }], no: [{ X: 1 }] },
    { name: 'all of them ignores _ identifiers', detection: `${base}condition: all of them`, yes: [{ A: 1, B: 1, C: 1 }], no: [{ A: 1, B: 1, X: 1 }] },
    { name: 'a _ identifier can be named directly', detection: `${base}condition: a and not _x`, yes: [{ A: 1 }], no: [{ A: 1, X: 1 }] },
    { name: 'x of binds tighter than not/and', detection: 'sel_a:\n  A: 1\nsel_b:\n  B: 1\nf:\n  C: 1\ncondition: 1 of sel_* and not 1 of f*', yes: [{ A: 1 }], no: [{ A: 1, C: 1 }] },
    { name: 'a list of conditions is OR', detection: `${base}condition:\n  - a and b\n  - c`, yes: [{ A: 1, B: 1 }, { C: 1 }], no: [{ A: 1 }] },
    { name: 'keywords are case-insensitive words, AND/OR in any case', detection: `${base}condition: a AND NOT b Or c`, yes: [{ A: 1 }, { C: 1 }], no: [{ A: 1, B: 1 }] },
  ]);
});

describe('filters', () => {
  test('a filter document excludes its matches from the rules it names', () => {
    const text = `title: r
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
name: rar_rule
logsource:
  category: process_creation
  product: windows
detection:
  sel:
    Image|endswith: '\\rar.exe'
  condition: sel
---
title: Filter Administrator account
logsource:
  category: process_creation
  product: windows
filter:
  rules:
    - 6f3e2987-db24-4c78-a860-b4f4095a7095
  selection:
    User|startswith: 'adm_'
  condition: selection
`;
    const r = loadSigmaText(text, 'f.yml');
    assert.deepEqual(r.problems, []);
    assert.equal(r.filters.length, 1);
    const ev = (user: string): EcsEvent => ({ event: { code: '1' }, winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', provider_name: 'Microsoft-Windows-Sysmon', event_id: 1, event_data: { Image: 'C:\\x\\rar.exe', User: user } } });
    const plain = compileRules(r.rules);
    const filtered = compileRules(r.rules, { filters: r.filters });
    assert.equal(plain.match(ev('adm_bob')).length, 1);
    assert.equal(filtered.match(ev('adm_bob')).length, 0);
    assert.equal(filtered.match(ev('bob')).length, 1);
  });
});
