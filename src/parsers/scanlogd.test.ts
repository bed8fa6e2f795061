import { test } from 'node:test';
import { scanlogdParser } from './scanlogd.js';
import { expectFields, expectNoMatch } from './testing/service-cases.js';

test('scanlogd: detected port scans (fail2ban scanlogd sample lines)', () => {
  expectFields(scanlogdParser, '192.0.2.123 to 192.0.2.1 ports 80, 81, 83, 88, 99, 443, 1080, 3128, ..., f????uxy, TOS 00, TTL 49 @20:44:43', {
    'event.kind': 'alert',
    'event.type': ['connection', 'indicator'],
    'event.action': 'port_scan',
    'source.ip': '192.0.2.123',
    'destination.ip': '192.0.2.1',
    'network.transport': 'tcp',
    'scanlogd.ports': [80, 81, 83, 88, 99, 443, 1080, 3128],
    'scanlogd.ports_truncated': true,
    'scanlogd.tcp_flags': 'f????uxy',
    'scanlogd.ttl': 49,
    'scanlogd.start_time': '20:44:43',
  });
  expectFields(scanlogdParser, '192.0.2.123 to 192.0.2.1 ports 497, 515, 544, 543, 464, 513, ..., fSrpauxy, TOS 00 @09:04:25', {
    'source.ip': '192.0.2.123',
    'scanlogd.ports': [497, 515, 544, 543, 464, 513],
    'scanlogd.ttl': undefined,
  });
  expectFields(scanlogdParser, '192.0.2.123:4321 to 192.0.2.1 ports 22, 26, fSrpauxy, TOS 00 @22:38:37', { 'source.ip': '192.0.2.123', 'source.port': 4321, 'scanlogd.ports_truncated': undefined });
  expectNoMatch(scanlogdParser, 'scanlogd: started');
  expectNoMatch(scanlogdParser, '192.0.2.123 to 192.0.2.1 ports 22');
});
