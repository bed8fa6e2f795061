import { test } from 'node:test';
import { namedParser } from './named.js';
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
