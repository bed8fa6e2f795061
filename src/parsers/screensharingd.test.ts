import { test } from 'node:test';
import { screensharingdParser } from './screensharingd.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('screensharingd: failed and successful VNC logins (fail2ban screensharingd sample lines)', () => {
  expectFields(screensharingdParser, 'Authentication: FAILED :: User Name: sdfsdfs () mro :: Viewer Address: 192.168.5.247 :: Type: DH', {
    ...failure('vnc_login', '192.168.5.247', 'sdfsdfs () mro'),
    'user.authentication.method': 'DH',
  });
  expectFields(screensharingdParser, 'Authentication: FAILED :: User Name: brown_s :: :: Viewer Address: 192.168.5.247 :: Type: DH', failure('vnc_login', '192.168.5.247', 'brown_s'));
  expectFields(screensharingdParser, 'Authentication: FAILED :: User Name: brown @! s:: :: Viewer Address: 192.168.5.247 :: Type: DH', failure('vnc_login', '192.168.5.247', 'brown @! s::'));
  expectFields(screensharingdParser, 'Authentication: SUCCEEDED :: User Name: simon :: Viewer Address: 192.168.5.247 :: Type: DH', { 'event.outcome': 'success', 'user.name': 'simon' });
  expectNoMatch(screensharingdParser, 'Authentication: FAILED :: User Name: x :: Viewer Address: nowhere :: Type: DH');
});
