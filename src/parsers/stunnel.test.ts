import { test } from 'node:test';
import { stunnelLogFormat, stunnelParser } from './stunnel.js';
import { expectFields, expectNoMatch } from './testing/service-cases.js';
import { expectLine, expectNotSniffed } from './testing/line-cases.js';

const ACCEPT = 'LOG3[28228:140093368055552]: SSL_accept from 10.7.41.61:33454 : 140890C7: error:140890C7:SSL routines:SSL3_GET_CLIENT_CERTIFICATE:peer did not return a certificate';

test('stunnel: failed TLS handshakes in its own file and through syslog (fail2ban stunnel sample line)', () => {
  expectLine(stunnelLogFormat, `2011.11.21 14:29:16 ${ACCEPT}`, {
    '@timestamp': '2011-11-21T14:29:16.000Z',
    'event.action': 'tls_handshake_failed',
    'event.type': ['denied'],
    'event.outcome': 'failure',
    'source.ip': '10.7.41.61',
    'source.port': 33454,
    'log.level': 'err',
  });
  expectFields(stunnelParser, ACCEPT, { 'source.ip': '10.7.41.61', 'event.reason': '140890C7: error:140890C7:SSL routines:SSL3_GET_CLIENT_CERTIFICATE:peer did not return a certificate' });
  expectFields(stunnelParser, 'LOG5[28228:1]: Service [https] accepted connection from 192.0.2.1:4000', { 'event.outcome': undefined, 'log.level': 'notice' });
  expectNoMatch(stunnelParser, 'SSL_accept from 10.7.41.61:33454 : x');
  expectNotSniffed(stunnelLogFormat, '2011-11-21 14:29:16 LOG3[1:2]: x');
});
