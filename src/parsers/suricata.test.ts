import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getPath, isParseFailure, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { LineParser } from './line.js';
import { isSuricataEve, mapSuricataEve, SURICATA_SEVERITY } from './suricata.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15, 12));
const parse = (message: string, format?: string): EcsEvent => parser.parse(format === undefined ? { message, receivedAt: 0 } : { message, receivedAt: 0, format });
const get = getPath;

// elastic-beats-testdata (see shared/data/SOURCES.md): 8 EVE records from a real network
const EVE = fileURLToPath(new URL('../../../shared/data/elastic-beats-testdata/suricata-eve/eve-small.log', import.meta.url));
const lines = readFileSync(EVE, 'utf8').split('\n').filter((l) => l.length > 0);

/** Expected fields per record, in file order. */
const EXPECTED: Record<string, unknown>[] = [
  {
    '@timestamp': '2018-07-05T19:01:09.820Z',
    'suricata.eve.event_type': 'ssh',
    'source.ip': '192.168.86.85',
    'source.port': 55406,
    'destination.ip': '192.168.253.112',
    'destination.port': 22,
    'network.transport': 'tcp',
    'ssh.client.software': 'OpenSSH_7.6',
    'ssh.server.software': 'libssh_0.7.0',
    'event.kind': 'event',
  },
  {
    '@timestamp': '2018-07-05T19:07:20.910Z',
    'event.kind': 'alert',
    'event.category': ['network', 'intrusion_detection'],
    'rule.id': '2024833',
    'rule.name': 'ET POLICY Observed IP Lookup Domain (l2 .io in TLS SNI)',
    'rule.category': 'Potential Corporate Privacy Violation',
    'event.severity': 73,
    'suricata.eve.alert.severity': 1,
    'event.action': 'allowed',
    'source.bytes': 793,
    'destination.bytes': 343,
    'network.bytes': 1136,
    'network.packets': 7,
    'tls.client.server_name': 'l2.io',
    'tls.version': '1.2',
    'tls.version_protocol': 'tls',
    'destination.port': 443,
    message: 'ET POLICY Observed IP Lookup Domain (l2 .io in TLS SNI)',
  },
  {
    'url.original': '/dd.xml',
    'url.domain': '192.168.86.28',
    'http.request.method': 'GET',
    'http.response.status_code': 200,
    'http.version': '1.1',
    'http.response.body.bytes': 1155,
    'user_agent.original': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/67.0.3396.99 Safari/537.36',
    'destination.port': 63963,
  },
  {
    'suricata.eve.event_type': 'fileinfo',
    'file.name': '/ssdp/device-desc.xml',
    'file.size': 1071,
    'file.hash.sha256': 'f610428ebddf6f8cf9e39322e672583c45fcdcf885efad0ab48fd53a3dfc2c4b',
    'url.original': '/ssdp/device-desc.xml',
    'source.port': 8008,
    'network.protocol': 'http',
  },
  {
    'dns.question.name': 'clients.l.google.com',
    'dns.question.type': 'A',
    'dns.response_code': 'NOERROR',
    'dns.resolved_ip': ['172.217.13.110'],
    'network.transport': 'udp',
    'source.ip': '192.168.86.1',
    'source.port': 53,
  },
  { '@timestamp': '2018-07-05T19:51:23.009Z', 'event.kind': 'metric', 'suricata.eve.stats.uptime': 5400, 'source.ip': undefined },
  {
    'tls.client.server_name': 'p33-btmmdns.icloud.com',
    'tls.version': '1.2',
    'tls.server.subject': 'CN=*.icloud.com, OU=management:idms.group.506364, O=Apple Inc., ST=California, C=US',
    'tls.server.hash.sha1': '6AFFACA65F8A05E7A98C7629B908C769ADDC7247',
    'destination.ip': '17.142.164.13',
  },
  {
    'source.ip': 'fe80:0000:0000:0000:fada:0cff:fedc:87f1',
    'source.port': 546,
    'destination.ip': 'ff02:0000:0000:0000:0000:0000:0001:0002',
    'network.transport': 'udp',
    'source.bytes': 110,
    'destination.bytes': 0,
    'network.bytes': 110,
    'network.packets': 1,
    'event.start': '2018-07-05T19:51:23.453Z',
    'event.end': '2018-07-05T19:51:23.453Z',
    'event.type': ['connection'],
    'network.protocol': undefined,
  },
];

describe('Suricata EVE: elastic-beats eve-small.log', () => {
  test('the sample has 8 records', () => assert.equal(lines.length, EXPECTED.length));
  lines.forEach((line, i) => {
    test(`record ${i + 1} (${(JSON.parse(line) as { event_type: string }).event_type}) by sniffing`, () => {
      const e = parse(line);
      assert.ok(!isParseFailure(e), JSON.stringify(e).slice(0, 200));
      assert.equal(get(e, F.eventDataset), 'suricata.eve');
      assert.equal(get(e, F.eventOriginal), line);
      for (const [path, want] of Object.entries(EXPECTED[i] ?? {})) assert.deepEqual(get(e, path), want, path);
    });
  });
  test('the same lines by explicit --format suricata and --format json', () => {
    for (const line of lines) {
      assert.equal(get(parse(line, 'suricata'), F.eventDataset), 'suricata.eve');
      assert.equal(get(parse(line, 'json'), F.eventDataset), 'suricata.eve');
    }
  });
});

describe('Suricata EVE: hand-written records', () => {
  test('a blocked alert with severity 2 and a community id', () => {
    const e = parse('{"timestamp":"2024-03-01T10:00:00.000000+0000","event_type":"alert","src_ip":"203.0.113.9","src_port":4444,"dest_ip":"10.0.0.5","dest_port":22,"proto":"TCP","community_id":"1:abc=","alert":{"action":"blocked","signature_id":2001219,"signature":"ET SCAN Potential SSH Scan","category":"Attempted Information Leak","severity":2}}');
    assert.equal(get(e, F.eventAction), 'blocked');
    assert.deepEqual(get(e, F.eventType), ['denied']);
    assert.equal(get(e, F.eventSeverity), SURICATA_SEVERITY[2]);
    assert.equal(get(e, 'network.community_id'), '1:abc=');
    assert.equal(get(e, F.timestamp), '2024-03-01T10:00:00.000Z');
  });
  test('EVE version 2 dns (queries and answers arrays) and an anomaly', () => {
    const d = parse('{"timestamp":"2024-03-01T10:00:00.000000+0000","event_type":"dns","src_ip":"10.0.0.5","dest_ip":"10.0.0.1","proto":"UDP","dns":{"version":2,"type":"answer","id":1,"rcode":"NXDOMAIN","queries":[{"rrname":"evil.example","rrtype":"AAAA"}],"answers":[{"rdata":"2001:db8::1"}]}}');
    assert.equal(get(d, 'dns.question.name'), 'evil.example');
    assert.equal(get(d, 'dns.question.type'), 'AAAA');
    assert.equal(get(d, 'dns.response_code'), 'NXDOMAIN');
    assert.deepEqual(get(d, 'dns.resolved_ip'), ['2001:db8::1']);
    const a = parse('{"timestamp":"2024-03-01T10:00:00.000000+0000","event_type":"anomaly","src_ip":"10.0.0.5","dest_ip":"10.0.0.1","proto":"TCP","anomaly":{"type":"stream","event":"stream.pkt_invalid_timestamp"}}');
    assert.equal(get(a, 'event.code'), 'stream.pkt_invalid_timestamp');
    assert.equal(get(a, F.message), 'stream: stream.pkt_invalid_timestamp');
  });
  test('not EVE: unknown event_type, missing timestamp, bad addresses are left unset', () => {
    assert.equal(isSuricataEve({ event_type: 'nope', timestamp: 'x' }), false);
    assert.equal(isSuricataEve({ event_type: 'alert' }), false);
    const e: EcsEvent = {};
    assert.equal(mapSuricataEve({ event_type: 'flow', timestamp: '2024-01-01T00:00:00Z', src_ip: 'not-an-ip', src_port: 70000, proto: 6 }, e), true);
    assert.equal(get(e, F.sourceIp), undefined);
    assert.equal(get(e, F.sourcePort), undefined);
    assert.equal(get(e, F.networkTransport), undefined);
  });
});
