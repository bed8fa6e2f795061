import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSigmaText } from '../load.js';
import { huntQuery, type HuntQuery } from './compile.js';

function q(detection: string, logsource = '{ product: linux, service: sshd }'): HuntQuery {
  const r = loadSigmaText(`title: t\nid: t\nlogsource: ${logsource}\ndetection:\n${detection}\nlevel: low\n`, 't.yml');
  assert.deepEqual(r.problems, []);
  const rule = r.rules[0];
  assert.ok(rule);
  return huntQuery(rule);
}

test('exact translations: numbers, addresses, wildcards, ranges, cidr, exists, null, of, not', () => {
  const cases: Array<[string, string]> = [
    ['  sel: { source.port: 22 }\n  condition: sel', 'source.port:22'],
    ['  sel: { source.port: [22, 2222] }\n  condition: sel', 'source.port:(22 or 2222)'],
    ["  sel: { event.code|contains: '46' }\n  condition: sel", 'event.code:*46*'],
    ["  sel: { event.code|startswith: '46' }\n  condition: sel", 'event.code:46*'],
    ["  sel: { event.code|endswith: '25' }\n  condition: sel", 'event.code:*25'],
    ["  sel: { event.code: '4?2*' }\n  condition: sel", 'event.code:4?2*'],
    ['  sel: { source.ip|cidr: [10.0.0.0/8, "2001:db8::/32"] }\n  condition: sel', 'source.ip:("10.0.0.0/8" or "2001:db8::/32")'],
    ['  sel: { source.port|gt: 1023, source.port|lte: 2048 }\n  condition: sel', 'source.port > 1023 and source.port <= 2048'],
    ['  sel: { user.name|exists: true }\n  condition: sel', 'user.name:*'],
    ['  sel: { user.name|exists: false }\n  condition: sel', 'not user.name:*'],
    ['  sel: { user.name: null }\n  condition: sel', 'not user.name:*'],
    ['  sel_a: { source.port: 22 }\n  sel_b: { destination.port: 22 }\n  condition: 1 of sel_*', 'source.port:22 or destination.port:22'],
    ['  sel_a: { source.port: 22 }\n  sel_b: { destination.port: 22 }\n  condition: all of sel_*', 'source.port:22 and destination.port:22'],
    ['  a: { source.port: 22 }\n  b: { destination.port: 22 }\n  condition: a and not b', 'source.port:22 and not destination.port:22'],
    ["  sel: { event.code|contains|all: ['1', '2'] }\n  condition: sel", 'event.code:(*1* and *2*)'],
    ["  sel: { event.code: '1(2:3' }\n  condition: sel", 'event.code:1\\(2\\:3'],
  ];
  for (const [det, want] of cases) {
    const r = q(det);
    assert.equal(r.query, want, det);
    assert.ok(r.notes.length === 0, `${det}: ${r.notes.join('; ')}`);
  }
});

test('widened, and said so: letters, modifiers without a counterpart, keywords, Windows, negated approximations', () => {
  const widened: Array<[string, string, string?]> = [
    ['  sel: { user.name: root }\n  condition: sel', 'user.name:*'],
    ['  sel: { user.name|re: "^r" }\n  condition: sel', 'user.name:*'],
    ['  sel: { user.name|base64: root }\n  condition: sel', 'user.name:*'],
    ['  sel: { source.port|neq: 22 }\n  condition: sel', 'source.port:*'],
    ['  keywords: [failed]\n  condition: keywords', '*'],
    ['  sel: { user.name: root }\n  condition: not sel', '*'],
    ['  sel: { EventID: 4625 }\n  condition: sel', '*', '{ product: windows, service: security }'],
    ['  sel: { User: admin }\n  condition: sel', 'user.name:* or User:*'],
    ['  sel: { source.ip: "10.0.0.*" }\n  condition: sel', 'source.ip:*'],
  ];
  for (const [det, want, ls] of widened) {
    const r = q(det, ls);
    assert.equal(r.query, want, det);
    assert.equal(r.exact, false, det);
    assert.ok(r.notes.length > 0, det);
  }
});
