import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { CF, cefFormat, cefParser, deviceTime, parseCef, severityNumber, splitExtension } from './cef.js';
import { LineParser } from './line.js';
import { assertLinear } from './testing/adversarial.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15));
const parse = (line: string, format?: string): EcsEvent => parser.parse({ message: line, receivedAt: 0, ...(format !== undefined ? { format } : {}) });

const DATA = new URL('../../../shared/data/elastic-beats-testdata/cef/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, DATA), 'utf8');

/** Every leaf of a nested object, as dotted path → value. */
function leaves(o: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (typeof o === 'object' && o !== null && !Array.isArray(o)) for (const [k, v] of Object.entries(o)) leaves(v, prefix === '' ? k : `${prefix}.${k}`, out);
  else out.set(prefix, o);
  return out;
}

/*
 * Intended differences from Filebeat's decode_cef golden output, each checked below:
 * - `message` is the extension's msg when there is one (the CEF name otherwise); Filebeat always puts the name there
 *   and keeps msg only in cef.extensions.message.
 * - cef.version is the header's version as a number; cef.device.event_class_id is also kept as cef.device_event_class_id.
 * - `cn2` is named deviceCustomNumber2 like cn1 and cn3 (Filebeat's table says DeviceCustomNumber2).
 * - fname goes to file.name (Filebeat: file.uid); values that are not addresses (`dvc=hostname`) are left out of
 *   observer.ip without an error.message; geo, service names and event.id are not mapped.
 */
const COMPARED = [
  'cef.device.vendor',
  'cef.device.product',
  'cef.device.version',
  'cef.device.event_class_id',
  'cef.name',
  'cef.severity',
  'event.code',
  'event.severity',
  'event.action',
  'observer.vendor',
  'observer.product',
  'observer.version',
  'observer.hostname',
  'observer.ip',
  'source.ip',
  'source.port',
  'source.mac',
  'source.domain',
  'source.user.name',
  'source.user.id',
  'destination.ip',
  'destination.port',
  'destination.mac',
  'destination.bytes',
  'destination.user.name',
  'network.transport',
  'url.original',
  'file.path',
  'file.size',
  'http.request.method',
];

describe('cef', () => {
  const lines = read('decode_cef-samples.log').split('\n').filter((l) => l !== '');
  const golden = JSON.parse(read('decode_cef-samples.log.golden.json')) as Record<string, unknown>[];

  test('the Filebeat decode_cef golden file: header, extensions and ECS fields', () => {
    assert.equal(lines.length, golden.length);
    lines.forEach((line, i) => {
      const want = golden[i] as Record<string, unknown>;
      const e = parse(line);
      assert.equal(getPath(e, F.eventDataset), 'cef', `line ${i}`);
      assert.equal(getPath(e, F.eventOriginal), line);
      for (const path of COMPARED) assert.deepEqual(getPath(e, path), getPath(want, path), `line ${i}: ${path}`);
      assert.equal(getPath(e, CF.eventClassId), getPath(want, 'cef.device.event_class_id'));
      assert.equal(getPath(e, CF.version), getPath(want, 'cef.version'));
      // every extension Filebeat found, with the same value (cn2's name aside)
      const ext = leaves(getPath(want, 'cef.extensions'));
      for (const [k, v] of ext) {
        const key = k === 'DeviceCustomNumber2' ? 'deviceCustomNumber2' : k;
        assert.deepEqual(getPath(e, `cef.extensions.${key}`), v, `line ${i}: cef.extensions.${key}`);
      }
      assert.equal(leaves(getPath(e, 'cef.extensions')).size, ext.size, `line ${i}: extension count`);
      const msg = getPath(want, 'cef.extensions.message');
      assert.equal(getPath(e, F.message), msg ?? getPath(want, 'cef.name'), `line ${i}: message`);
    });
  });

  test('escapes, spaces in values and a kept leading space', () => {
    const e = parse(lines[10] as string);
    assert.equal(getPath(e, F.urlOriginal), 'http://vpx247.example.net/FFC/login_post.html?abc=def');
    assert.equal(getPath(e, F.eventAction), 'not blocked');
    const t = parse(lines[2] as string);
    assert.equal(getPath(t, F.filePath), 'C:\\Users\\trend\\Desktop\\eicar.exe');
    assert.equal(getPath(t, 'cef.extensions.deviceCustomString6'), 'ContainerImageName | ContainerName | ContainerID');
    assert.equal(getPath(parse(lines[11] as string), F.message), ' Transformed (xout) potential credit card numbers seen in server response');
    const h = parseCef('CEF:0|Ven\\|dor|Pro\\\\duct|1|sig|na\\|me|5|msg=a\\=b\\\\c\\nd');
    assert.equal(h?.vendor, 'Ven|dor');
    assert.equal(h?.product, 'Pro\\duct');
    assert.equal(h?.name, 'na|me');
    assert.deepEqual(h?.ext, [['msg', 'a=b\\c\nd']]);
  });

  test('the Filebeat module samples: word severities, users, trailing spaces', () => {
    const very = parse(lines[14] as string);
    assert.equal(getPath(very, F.eventSeverity), 9);
    assert.equal(getPath(very, 'cef.extensions.rawEvent'), '{"x": "y"}');
    const [a, b, c, pad] = read('cef-module-cef.log').split('\n');
    const ea = parse(a as string);
    assert.equal(getPath(ea, F.eventSeverity), 0);
    assert.equal(getPath(ea, F.networkTransport), 'tcp');
    assert.equal(getPath(ea, F.httpRequestMethod), 'POST');
    assert.equal(getPath(ea, F.sourcePort), 33876);
    assert.equal(getPath(ea, F.destinationIp), '192.168.10.1');
    assert.equal(getPath(ea, F.urlOriginal), 'https://www.example.com/cart');
    const eb = parse(b as string);
    assert.equal(getPath(eb, CF.sourceUserName), 'bob');
    assert.equal(getPath(eb, CF.destinationUserName), 'alice');
    assert.equal(getPath(eb, F.destinationIp), '81.2.69.143');
    assert.equal(getPath(parse(c as string), 'cef.extensions.destinationUserPrivileges'), 'root');
    const ep = parse(pad as string);
    assert.equal(getPath(ep, F.sourceIp), '192.168.3.4');
    assert.equal(getPath(ep, 'cef.extensions.message'), 'This event is padded with whitespace');
  });

  test('after a syslog header: from a program, or with CEF read as the tag', () => {
    const line = 'CEF:0|Vendor|FW|2.1|4001|Port scan|High|src=203.0.113.5 dst=192.0.2.10 dpt=22 proto=UDP act=drop rt=Jun 14 2026 10:00:01 suser=mallory';
    const a = parse(`<134>1 2026-06-14T10:00:02Z fw01 firewalld 77 - - ${line}`);
    assert.equal(getPath(a, F.eventDataset), 'cef');
    assert.equal(getPath(a, F.eventSeverity), 7);
    assert.equal(getPath(a, F.networkTransport), 'udp');
    assert.equal(getPath(a, F.timestamp), '2026-06-14T10:00:01.000Z');
    assert.equal(getPath(a, CF.sourceUserName), 'mallory');
    const b = parse(`<134>Jun 14 10:00:02 fw01 ${line}`);
    assert.equal(getPath(b, F.eventDataset), 'cef');
    assert.equal(getPath(b, F.sourceIp), '203.0.113.5');
    assert.equal(getPath(b, F.destinationPort), 22);
    assert.equal(getPath(b, F.message), 'Port scan');
    const c = parse(`Jun 14 10:00:02 fw01 sshd[1]: ${line}`);
    assert.equal(getPath(c, F.eventAction), 'drop');
  });

  test('helpers: severities and device times', () => {
    assert.equal(severityNumber('10'), 10);
    assert.equal(severityNumber('Medium'), 4);
    assert.equal(severityNumber('11'), undefined);
    assert.equal(severityNumber('x'), undefined);
    assert.equal(deviceTime('1718359201000'), 1718359201000);
    assert.equal(deviceTime('Sep 17 2025 11:45:34 GMT'), Date.UTC(2025, 8, 17, 11, 45, 34));
    assert.equal(deviceTime('Sep 17 2025 13:45:34 +02:00'), Date.UTC(2025, 8, 17, 11, 45, 34));
    assert.equal(deviceTime('yesterday'), undefined);
  });

  test('bounded: at most 256 pairs, long keys are values', () => {
    const many = Array.from({ length: 400 }, (_, i) => `k${i}=v`).join(' ');
    assert.equal(splitExtension(many).length, 256);
    assert.deepEqual(splitExtension(`a=1 ${'x'.repeat(100)}=2`), [['a', `1 ${'x'.repeat(100)}=2`]]);
    assert.deepEqual(splitExtension('__proto__=1 b=2'), [['b', '2']]);
  });

  test('other text is not claimed', () => {
    for (const m of ['CEF:0|a|b|c', 'CEF:x|a|b|c|d|e|f|', '0|a|b|c|d|e|f|src=1.2.3.4', 'hello']) {
      const e: EcsEvent = {};
      assert.equal(cefParser.parse(m, e), false, m);
      assert.deepEqual(e, {});
    }
    assert.equal(cefFormat.sniff('LEEF:1.0|a'), false);
    const named = parse(lines[1] as string, 'cef');
    assert.equal(getPath(named, F.eventDataset), 'cef');
    assert.equal(getPath(named, CF.sourceUserName), 'admin');
    const explicit = parse('not cef at all', 'cef-line');
    assert.ok((getPath(explicit, F.tags) as string[]).includes('_parse_failure'));
  });

  test('64 KiB adversarial messages finish in well under 100 ms each', (t) => {
    const slowest = assertLinear(cefParser, ['CEF:0|a|b|c|d|e|5|', 'CEF:0|a|b|c|d|e|5|k=', 'CEF:0|', 'CEF:0|a|b|c|d|e|5|k=v\\', 'CEF:0|a|b|c|d|e|5|a=b=c=']);
    t.diagnostic(`slowest: ${slowest.toFixed(2)} ms`);
    const e: EcsEvent = {};
    const t0 = performance.now();
    cefFormat.parse(`CEF:0|a|b|c|d|e|5|${'k=v '.repeat(16_384)}`, e);
    cefFormat.parse(`CEF:0|${'\\|'.repeat(32_000)}`, {});
    cefFormat.parse(`CEF:0|a|b|c|d|e|5|k=${' '.repeat(65_000)}x`, {});
    cefFormat.parse(`CEF:0|a|b|c|d|e|5|k=${' \t'.repeat(32_000)}`, {});
    cefFormat.parse(`CEF:0|a|b|c|d|e|5|${'x'.repeat(63)}${'=x'.repeat(32_000)}`, {});
    assert.ok(performance.now() - t0 < 200);
  });
});
