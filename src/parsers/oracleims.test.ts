import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oracleImsFormat } from './oracleims.js';
import { expectLine, expectNotSniffed } from './testing/line-cases.js';

test('oracleims: bad passwords and successful logins from the XML connection log (fail2ban oracleims sample lines)', () => {
  expectLine(
    oracleImsFormat,
    '<co ts="2014-06-02T16:06:33.99" pi="72aa.17f0.25622" sc="tcp_local" dr="+" ac="U" tr="TCP|192.245.12.223|25|89.96.245.78|4299" ap="SMTP" mi="Bad password" us="nic@transcend.com" di="535 5.7.8 Bad username or password (Authentication failed)."/>',
    {
      '@timestamp': '2014-06-02T16:06:33.990Z',
      'event.category': ['authentication'],
      'event.outcome': 'failure',
      'source.ip': '89.96.245.78',
      'source.port': 4299,
      'destination.ip': '192.245.12.223',
      'destination.port': 25,
      'user.name': 'nic@transcend.com',
      'smtp.response.code': 535,
      'network.protocol': 'smtp',
    },
  );
  expectLine(
    oracleImsFormat,
    '<co ts="2014-06-02T22:02:13.94" pi="72a9.3b4.3774" sc="tcp_submit" dr="+" ac="U" tr="TCP|192.245.12.223|465|23.122.129.179|60766" ap="SMTP/TLS-128-RC4" mi="Authentication successful - switched to channel tcp_submit" us="jaugustine@example.org" di="235 2.7.0 LOGIN authentication successful."/>',
    { 'event.outcome': 'success', 'source.ip': '23.122.129.179', 'user.name': 'jaugustine@example.org' },
  );
  expectLine(oracleImsFormat, '<co ts="2014-06-02T22:02:13.94" sc="tcp_local" dr="+" ac="O" tr="TCP|192.0.2.1|25|192.0.2.2|4000"/>', {
    'event.category': ['network'],
    'event.outcome': undefined,
    'source.ip': '192.0.2.2',
  });
});

test('oracleims: hostile attribute text is bounded and other XML is not sniffed', () => {
  assert.equal(oracleImsFormat.parse('<co ts="', {}), false);
  expectNotSniffed(oracleImsFormat, '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">');
});
