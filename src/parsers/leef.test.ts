import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { CF } from './cef.js';
import { LF, delimiterOf, leefFormat, leefParser, parseLeef } from './leef.js';
import { LineParser } from './line.js';
import { assertLinear } from './testing/adversarial.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15));
const parse = (line: string): EcsEvent => parser.parse({ message: line, receivedAt: 0 });

const DATA = new URL('../../../shared/data/rsyslog-testsuites/leef/', import.meta.url);
const read = (name: string): string[] =>
  readFileSync(new URL(name, DATA), 'utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('leef', () => {
  test('rsyslog mmleefparse vectors (PAN-OS, `|` between attributes): vendor|productVersion|src|dst|action|cat|proto|SessionID', () => {
    const input = read('mmleefparse_basic.input.log');
    const expected = read('mmleefparse_basic.expected.txt');
    assert.equal(input.length, expected.length);
    input.forEach((line, i) => {
      const e = parse(line);
      assert.equal(getPath(e, F.eventDataset), 'leef', `line ${i}`);
      const got = ['leef.vendor', 'leef.product_version', 'leef.attributes.src', 'leef.attributes.dst', 'leef.attributes.action', 'leef.attributes.cat', 'leef.attributes.proto', 'leef.attributes.SessionID'].map((p) => getPath(e, p));
      assert.equal(got.join('|'), expected[i], `line ${i}`);
    });
    const e = parse(input[0] as string);
    assert.equal(getPath(e, F.sourceIp), '172.19.50.39');
    assert.equal(getPath(e, F.sourcePort), 62126);
    assert.equal(getPath(e, F.destinationIp), '172.19.5.50');
    assert.equal(getPath(e, F.destinationPort), 443);
    assert.equal(getPath(e, F.networkTransport), 'tcp');
    assert.equal(getPath(e, F.eventAction), 'allow');
    assert.equal(getPath(e, CF.eventCode), 'allow');
    assert.equal(getPath(e, CF.observerVendor), 'Palo Alto Networks');
    assert.equal(getPath(e, F.timestamp), '2025-09-17T11:45:34.000Z');
    assert.equal(getPath(e, F.networkBytes), 460);
    assert.equal(getPath(e, F.networkPackets), 4);
    assert.equal(getPath(e, CF.sourceBytes), 390);
    assert.equal(getPath(e, CF.destinationBytes), 70);
    assert.equal(getPath(e, F.hostHostname), 'firewall.domain.local');
    // empty attributes are kept raw but not mapped
    assert.equal(getPath(e, 'leef.attributes.usrName'), '');
    assert.equal(getPath(e, F.userName), undefined);
    assert.equal(getPath(parse(input[1] as string), F.eventAction), 'deny');
  });

  test('LEEF 1.0 with tabs (also as rsyslog #011), as a whole line', () => {
    const attrs = ['devTime=1718359201000', 'src=198.51.100.7', 'dst=192.0.2.20', 'srcPort=50000', 'dstPort=22', 'usrName=root', 'proto=TCP', 'sev=8', 'msg=Failed login: bad password'];
    const e = parse(`LEEF:1.0|Acme|Gate|3.1|LoginFail|${attrs.join('\t')}`);
    assert.equal(getPath(e, F.eventDataset), 'leef');
    assert.equal(getPath(e, F.userName), 'root');
    assert.equal(getPath(e, LF.sourceUserName), 'root');
    assert.equal(getPath(e, F.eventSeverity), 8);
    assert.equal(getPath(e, F.timestamp), new Date(1718359201000).toISOString());
    assert.equal(getPath(e, 'leef.attributes.msg'), 'Failed login: bad password');
    const r = parse(`Jun 14 10:00:00 gw gate[4]: LEEF:1.0|Acme|Gate|3.1|LoginFail|${attrs.join('#011')}`);
    assert.equal(getPath(r, F.eventDataset), 'leef');
    assert.equal(getPath(r, F.destinationPort), 22);
    assert.equal(getPath(r, 'leef.attributes.msg'), 'Failed login: bad password');
  });

  test('LEEF 2.0 with a delimiter field: a character, a hex code, or none', () => {
    const caret = parseLeef('LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=192.0.2.1^dst=192.0.2.2^sev=5');
    assert.deepEqual(caret?.attrs, [['src', '192.0.2.1'], ['dst', '192.0.2.2'], ['sev', '5']]);
    const hex = parseLeef('LEEF:2.0|V|P|1|E|x09|src=192.0.2.1\tdstPort=80');
    assert.deepEqual(hex?.attrs, [['src', '192.0.2.1'], ['dstPort', '80']]);
    const none = parseLeef('LEEF:2.0|V|P|1|E|src=192.0.2.1\tdst=192.0.2.3');
    assert.deepEqual(none?.attrs, [['src', '192.0.2.1'], ['dst', '192.0.2.3']]);
    assert.equal(delimiterOf('0x5E'), '^');
    assert.equal(delimiterOf(''), '\t');
    assert.equal(delimiterOf('abc'), undefined);
    const e = parse('<13>Jun 14 10:00:00 sw LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=192.0.2.1^dst=192.0.2.2^sev=5');
    assert.equal(getPath(e, F.eventDataset), 'leef');
    assert.equal(getPath(e, F.sourceIp), '192.0.2.1');
    assert.equal(getPath(e, LF.version), '2.0');
  });

  test('other text is not claimed', () => {
    for (const m of ['LEEF:3.0|a|b|c|d|x=1', 'LEEF:1.0|a|b', '1.0|a|b|c|d|src=1.2.3.4', 'hello']) {
      const e: EcsEvent = {};
      assert.equal(leefParser.parse(m, e), false, m);
      assert.deepEqual(e, {});
    }
    assert.equal(leefFormat.sniff('CEF:0|a'), false);
  });

  test('64 KiB adversarial messages finish in well under 100 ms each', (t) => {
    const slowest = assertLinear(leefParser, ['LEEF:1.0|a|b|c|d|', 'LEEF:2.0|a|b|c|d|^|', 'LEEF:1.0|a|b|c|d|k=v\t', 'LEEF:2.0|a|b|c|d|x09|k=', 'LEEF:1.0|a|b|c|d|k=v#011']);
    t.diagnostic(`slowest: ${slowest.toFixed(2)} ms`);
    const t0 = performance.now();
    leefFormat.parse(`LEEF:1.0|a|b|c|d|${'k=v\t'.repeat(16_384)}`, {});
    leefFormat.parse(`LEEF:1.0|a|b|c|d|${'=\t'.repeat(32_000)}`, {});
    leefFormat.parse(`LEEF:1.0|a|b|c|d|k=${' '.repeat(65_000)}x`, {});
    leefFormat.parse(`LEEF:2.0|a|b|c|d|^|${'^'.repeat(65_000)}`, {});
    assert.ok(performance.now() - t0 < 200);
  });
});
