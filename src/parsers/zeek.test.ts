import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getPath, isParseFailure, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { LineParser } from './line.js';
import { zeekPath } from './zeek.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15, 12));
const parse = (message: string, format?: string): EcsEvent => parser.parse(format === undefined ? { message, receivedAt: 0 } : { message, receivedAt: 0, format });
const get = getPath;

// elastic-beats-testdata (see shared/data/SOURCES.md): 5 Zeek conn.log records, the last with an ISO 8601 ts
const CONN = fileURLToPath(new URL('../../../shared/data/elastic-beats-testdata/zeek/connection-json.log', import.meta.url));
const lines = readFileSync(CONN, 'utf8').split('\n').filter((l) => l.length > 0);

const EXPECTED: Record<string, unknown>[] = [
  {
    '@timestamp': '2019-01-11T06:33:35.857Z',
    'source.ip': '192.168.86.167',
    'source.port': 38339,
    'destination.ip': '192.168.86.1',
    'destination.port': 53,
    'network.transport': 'udp',
    'network.protocol': 'dns',
    'event.duration': 76967000,
    'source.bytes': 75,
    'destination.bytes': 178,
    'network.bytes': 253,
    'network.packets': 2,
    'zeek.connection.state': 'SF',
    'zeek.conn.uid': 'CAcJw21BbVedgFnYH3',
    'zeek.conn.id.orig_h': '192.168.86.167',
    'zeek.conn.local_orig': true,
  },
  { '@timestamp': '2019-01-11T06:33:36.857Z', 'destination.ip': '8.8.8.8', 'source.port': 38340, 'zeek.conn.local_resp': false },
  { 'source.ip': '4.4.2.2', 'destination.port': 53, 'zeek.connection.state': 'SF' },
  {
    '@timestamp': '2019-03-01T00:10:00.579Z', // 1551399000.57855 s, rounded to the millisecond,
    'source.ip': '192.0.2.205',
    'source.port': 3,
    'destination.ip': '198.51.100.249',
    'network.transport': 'icmp',
    'zeek.connection.state': 'OTH',
    'event.duration': undefined,
    'source.bytes': undefined,
    'source.packets': 1,
    'destination.packets': 0,
    'network.packets': 1,
  },
  { '@timestamp': '2021-06-09T20:55:13.160Z', 'source.ip': '10.0.2.15', 'destination.port': 80, 'network.transport': 'tcp', 'network.packets': 0 },
];

describe('Zeek JSON: elastic-beats connection-json.log', () => {
  test('the sample has 5 records', () => assert.equal(lines.length, EXPECTED.length));
  lines.forEach((line, i) => {
    test(`conn record ${i + 1}`, () => {
      const e = parse(line);
      assert.ok(!isParseFailure(e));
      assert.equal(get(e, F.eventDataset), 'zeek.conn');
      assert.deepEqual(get(e, F.eventCategory), ['network']);
      assert.equal(get(e, F.eventOriginal), line);
      for (const [path, want] of Object.entries(EXPECTED[i] ?? {})) assert.deepEqual(get(e, path), want, path);
    });
  });
  test('explicit --format zeek and --format json', () => {
    for (const line of lines) {
      assert.equal(get(parse(line, 'zeek'), F.eventDataset), 'zeek.conn');
      assert.equal(get(parse(line, 'json'), F.eventDataset), 'zeek.conn');
    }
  });
});

// hand-written records in Zeek's JSON log format (field names as in the Zeek base scripts)
describe('Zeek JSON: dns, http, ssl, ssh, notice', () => {
  test('dns by _path', () => {
    const e = parse('{"_path":"dns","ts":1700000000.5,"uid":"C1","id.orig_h":"10.0.0.2","id.orig_p":5353,"id.resp_h":"10.0.0.1","id.resp_p":53,"proto":"udp","trans_id":4711,"query":"example.org","qclass_name":"C_INTERNET","qtype_name":"A","rcode_name":"NOERROR","answers":["93.184.216.34","example.org.cdn"],"TTLs":[60,60]}');
    assert.equal(get(e, F.eventDataset), 'zeek.dns');
    assert.equal(get(e, 'dns.question.name'), 'example.org');
    assert.equal(get(e, 'dns.question.type'), 'A');
    assert.equal(get(e, 'dns.response_code'), 'NOERROR');
    assert.equal(get(e, 'dns.id'), '4711');
    assert.deepEqual(get(e, 'dns.resolved_ip'), ['93.184.216.34']);
    assert.equal(get(e, 'zeek.dns.query'), 'example.org');
    assert.equal(get(e, F.timestamp), '2023-11-14T22:13:20.500Z');
  });
  test('http without _path (recognised by its fields)', () => {
    const e = parse('{"ts":1700000000.0,"uid":"C2","id.orig_h":"10.0.0.2","id.orig_p":51000,"id.resp_h":"192.0.2.80","id.resp_p":80,"trans_depth":1,"method":"POST","host":"www.example.com","uri":"/login.php?x=1","version":"1.1","user_agent":"curl/8.0","request_body_len":20,"response_body_len":512,"status_code":403,"status_msg":"Forbidden"}');
    assert.equal(get(e, F.eventDataset), 'zeek.http');
    assert.equal(get(e, F.urlOriginal), '/login.php?x=1');
    assert.equal(get(e, F.urlDomain), 'www.example.com');
    assert.equal(get(e, F.httpRequestMethod), 'POST');
    assert.equal(get(e, F.httpResponseStatusCode), 403);
    assert.equal(get(e, F.userAgentOriginal), 'curl/8.0');
    assert.deepEqual(get(e, F.eventCategory), ['network', 'web']);
  });
  test('ssl', () => {
    const e = parse('{"_path":"ssl","ts":1700000000.0,"uid":"C3","id.orig_h":"10.0.0.2","id.orig_p":51001,"id.resp_h":"192.0.2.1","id.resp_p":443,"version":"TLSv13","cipher":"TLS_AES_128_GCM_SHA256","server_name":"www.example.com","resumed":false,"established":true}');
    assert.equal(get(e, 'tls.client.server_name'), 'www.example.com');
    assert.equal(get(e, 'tls.version'), '1.3');
    assert.equal(get(e, 'tls.version_protocol'), 'tls');
    assert.equal(get(e, 'tls.established'), true);
    assert.equal(get(e, F.destinationPort), 443);
  });
  test('ssh: auth_success is the authentication outcome', () => {
    const fail = parse('{"_path":"ssh","ts":1700000000.0,"uid":"C4","id.orig_h":"203.0.113.7","id.orig_p":40000,"id.resp_h":"10.0.0.5","id.resp_p":22,"version":2,"auth_success":false,"auth_attempts":6,"client":"SSH-2.0-libssh2_1.9.0","server":"SSH-2.0-OpenSSH_8.9"}');
    assert.equal(get(fail, F.eventDataset), 'zeek.ssh');
    assert.equal(get(fail, F.eventOutcome), 'failure');
    assert.deepEqual(get(fail, F.eventCategory), ['network', 'authentication']);
    assert.equal(get(fail, 'zeek.ssh.auth_success'), false);
    assert.equal(get(fail, 'ssh.client.software'), 'SSH-2.0-libssh2_1.9.0');
    assert.equal(get(fail, F.sourceIp), '203.0.113.7');
    const ok = parse('{"ts":1700000000.0,"uid":"C5","id.orig_h":"10.0.0.9","id.orig_p":40001,"id.resp_h":"10.0.0.5","id.resp_p":22,"auth_success":true,"auth_attempts":1}');
    assert.equal(get(ok, F.eventDataset), 'zeek.ssh');
    assert.equal(get(ok, F.eventOutcome), 'success');
    const unknown = parse('{"_path":"ssh","ts":1700000000.0,"uid":"C6","id.orig_h":"10.0.0.9","id.orig_p":40001,"id.resp_h":"10.0.0.5","id.resp_p":22}');
    assert.equal(get(unknown, F.eventOutcome), undefined);
  });
  test('notice: an alert named by its note', () => {
    const e = parse('{"ts":1700000000.0,"note":"SSH::Password_Guessing","msg":"203.0.113.7 appears to be guessing SSH passwords (seen in 30 connections).","sub":"Sampled servers:  10.0.0.5","src":"203.0.113.7","actions":["Notice::ACTION_LOG"],"suppress_for":3600.0}');
    assert.equal(get(e, F.eventDataset), 'zeek.notice');
    assert.equal(get(e, F.eventKind), 'alert');
    assert.equal(get(e, F.ruleName), 'SSH::Password_Guessing');
    assert.equal(get(e, F.message), '203.0.113.7 appears to be guessing SSH passwords (seen in 30 connections).');
    assert.equal(get(e, F.sourceIp), '203.0.113.7');
  });
  test('paths: a hostile _path is not used as a field name; records without ts are not Zeek', () => {
    assert.equal(zeekPath({ _path: '__proto__', ts: 1 }), 'unknown');
    assert.equal(zeekPath({ _path: 'a.b', ts: 1 }), 'unknown');
    assert.equal(zeekPath({ uid: 'C1', 'id.orig_h': '10.0.0.1' }), undefined);
    assert.equal(zeekPath({ ts: 1, uid: 'C1', 'id.orig_h': '10.0.0.1', foo: 1 }), 'unknown');
  });
});
