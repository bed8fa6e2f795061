import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPath } from '../schema/event.js';
import { LineParser } from './line.js';
import { namedLogParser, namedParser } from './named.js';
import { expectFields, expectNoMatch } from './testing/service-cases.js';

const deny = (action: string, ip: string, port: number, name: string) => ({
  'event.type': ['denied'],
  'event.outcome': 'failure',
  'event.action': action,
  'source.ip': ip,
  'source.port': port,
  'dns.question.name': name,
});

test('named: denied queries and transfers (fail2ban named-refused sample lines)', () => {
  expectFields(namedParser, "client 194.145.196.18#4795: query 'ricreig.com/NS/IN' denied", { ...deny('dns_query_denied', '194.145.196.18', 4795, 'ricreig.com'), 'dns.question.type': 'NS' });
  expectFields(namedParser, "client 62.109.4.89#9334: view external: query (cache) './NS/IN' denied", { ...deny('dns_query_denied', '62.109.4.89', 9334, '.'), 'dns.view': 'external' });
  expectFields(namedParser, "client @0x7f7c95c76968 192.0.2.3#60683 (example.com): query (cache) 'example.com/A/IN' denied (allow-query-cache did not match)", deny('dns_query_denied', '192.0.2.3', 60683, 'example.com'));
  expectFields(namedParser, "client 223.252.23.219#56275: zone transfer 'openquery.eu/AXFR/IN' denied", deny('zone_transfer_denied', '223.252.23.219', 56275, 'openquery.eu'));
  expectFields(namedParser, "client @0x7f6450002ef0 192.0.2.1#23332 (example.com): bad zone transfer request: 'test.com/IN': non-authoritative zone (NOTAUTH)", {
    ...deny('zone_transfer_denied', '192.0.2.1', 23332, 'test.com'),
    'event.reason': 'non-authoritative zone (NOTAUTH)',
  });
  expectFields(namedParser, "info: client @0x7f4e446fd6e8 192.0.2.8#53 (example.io): query (cache) 'example.io/A/IN' denied", deny('dns_query_denied', '192.0.2.8', 53, 'example.io'));
  expectNoMatch(namedParser, "client @0x7f4e446fd6e8 192.0.2.8#53 (example.io): query: example.io IN A +E(0)K (198.51.100.1)");
});

test('named: lines without a named program name (fail2ban named-refused sample lines)', () => {
  const p = new LineParser(() => Date.UTC(2013, 9, 24));
  const cases: [string, string, string][] = [
    ["11-Aug-2013 03:36:11.372 error: client 1.2.3.4#52115: zone transfer 'domain.com/AXFR/IN' denied", '1.2.3.4', 'zone_transfer_denied'],
    ["23-Aug-2013 10:32:56.621 client 82.207.95.42#40278 (redginseng.com.ua): query (cache) 'redginseng.com.ua/A/IN' denied", '82.207.95.42', 'dns_query_denied'],
    ["Oct 23 02:06:39 security: info: client @0x7f4e446fd6e8 192.0.2.8#53 (example.io): query (cache) 'example.io/A/IN' denied", '192.0.2.8', 'dns_query_denied'],
    ["Oct 23 03:35:40 update-security: error: client @0x7f4e45c07a48 192.0.2.237#55956 (example.ca): zone transfer 'example.ca/AXFR/IN' denied", '192.0.2.237', 'zone_transfer_denied'],
  ];
  for (const [line, ip, action] of cases) {
    const e = p.parse({ message: line, receivedAt: 0 });
    assert.equal(getPath(e, 'event.dataset'), 'named', line);
    assert.equal(getPath(e, 'event.action'), action, line);
    assert.equal(getPath(e, 'source.ip'), ip, line);
  }
  assert.equal(getPath(p.parse({ message: cases[0]?.[0] ?? '', receivedAt: 0 }), '@timestamp'), '2013-08-11T03:36:11.372Z');
  // the same message from another program is not BIND's
  assert.equal(namedLogParser.parse("client 192.0.2.8#53: query 'example.io/A/IN' denied", { process: { name: 'dnsmasq' } }), false);
  expectNoMatch(namedLogParser, 'error: something else');
});
