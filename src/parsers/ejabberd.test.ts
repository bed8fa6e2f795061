import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPath } from '../schema/event.js';
import { ejabberdLagerParser, ejabberdLogFormat, ejabberdParser } from './ejabberd.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';
import { expectLine, parseLine } from './testing/line-cases.js';

test('ejabberd: failed c2s authentication in the three log layouts (fail2ban ejabberd-auth sample lines)', () => {
  expectLine(ejabberdLogFormat, 'I(<0.1440.0>:ejabberd_c2s:813) : ({socket_state,tls,{tlssock,#Port<0.6910>,#Port<0.6912>},<0.1439.0>}) Failed authentication for user@example.com from IP 192.0.2.4 ({{192,0,2,4},12716})', {
    ...failure('c2s_auth_failed', '192.0.2.4', 'user@example.com'),
    'user.domain': 'example.com',
    'log.level': 'info',
  });
  expectLine(ejabberdLogFormat, '=INFO REPORT==== 2013-07-14 17:53:40 ===', { '@timestamp': '2013-07-14T17:53:40.000Z', 'event.outcome': undefined });
  expectLine(ejabberdLogFormat, 'I(<0.370.0>:ejabberd_listener:281) : (#Port<0.6910>) Accepted connection {{192,0,2,4},12716} -> {{198,51,100,2},5222}', {
    'event.action': 'connection_accepted',
    'event.outcome': undefined,
    'source.ip': '192.0.2.4',
    'source.port': 12716,
  });
  expectFields(
    ejabberdLagerParser,
    '<0.22741.1>@ejabberd_c2s:wait_for_feature_request:662 ({socket_state,p1_tls,{tlssock,#Port<0.24718>,#Port<0.24720>},<0.22740.1>}) Failed authentication for test@example.com from IP 1.2.3.4',
    failure('c2s_auth_failed', '1.2.3.4', 'test@example.com'),
  );
  expectFields(
    ejabberdLagerParser,
    '<0.6668.0>@ejabberd_c2s:handle_auth_failure:433 (http_bind|ejabberd_bosh) Failed c2s PLAIN authentication for test@example.ch from ::FFFF:192.0.2.3: Invalid username or password',
    { ...failure('c2s_auth_failed', '192.0.2.3', 'test@example.ch'), 'user.authentication.method': 'PLAIN', 'event.reason': 'Invalid username or password' },
  );
  expectFields(ejabberdParser, 'Failed authentication for robin@example.com from 192.0.2.6', failure('c2s_auth_failed', '192.0.2.6', 'robin@example.com'));
});

test('ejabberd: the lager parser, tried for every program, rejects other messages on their first characters', () => {
  expectNoMatch(ejabberdLagerParser, 'Failed authentication for robin@example.com from 192.0.2.6');
  expectNoMatch(ejabberdLagerParser, '<0.1.0>@other_module:1 Failed authentication for a@b from 192.0.2.6');
  const e = parseLine('2015-03-19 13:57:35.805 [info] <0.585.0>@ejabberd_c2s:wait_for_sasl_response:965 (x) Failed authentication for robin@example.com from 192.0.2.6');
  assert.equal(getPath(e, 'event.dataset'), 'ejabberd');
  assert.equal(getPath(e, 'source.ip'), '192.0.2.6');
});
