import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterStrikeFormat } from './counter-strike.js';
import { expectLine, expectNotSniffed } from './testing/line-cases.js';

test('counter-strike: bad rcon passwords (fail2ban counter-strike sample lines)', () => {
  const e = expectLine(counterStrikeFormat, 'L 01/01/2014 - 01:25:17: Bad Rcon: "rcon 1146003691 "284"  sv_contact "HLBrute 1.10"" from "31.29.29.89:57370"', {
    '@timestamp': '2014-01-01T01:25:17.000Z',
    'event.action': 'rcon',
    'event.outcome': 'failure',
    'source.ip': '31.29.29.89',
    'source.port': 57370,
  });
  // the password tried is not copied into a field (only the message keeps the text)
  assert.equal(JSON.stringify({ ...e, message: undefined }).includes('284'), false);
  expectLine(counterStrikeFormat, 'L 01/01/2014 - 04:17:01: Bad Rcon: "rcon 260639614 "admin"  sv_contact "HLBrute 1.10"" from "105.158.241.147:53772"', { 'source.ip': '105.158.241.147' });
  expectLine(counterStrikeFormat, 'L 01/01/2014 - 04:17:01: Rcon: "rcon 260639614 "secret" status" from "192.0.2.1:27015"', { 'event.outcome': 'success' });
  expectLine(counterStrikeFormat, 'L 01/01/2014 - 04:17:01: "Player<2><STEAM_0:1:1><CT>" say "hi"', { 'event.outcome': undefined });
});

test('counter-strike: a forged peer after the rcon text is not taken, other lines pass by', () => {
  expectLine(counterStrikeFormat, 'L 01/01/2014 - 01:25:17: Bad Rcon: "rcon 1 "x" y" from "not-an-address:1"', { 'source.ip': undefined, 'event.outcome': undefined });
  expectNotSniffed(counterStrikeFormat, 'Lorem ipsum dolor sit amet');
});
