import { test } from 'node:test';
import { asteriskParser } from './asterisk.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('asterisk: SIP registration failures', () => {
  expectFields(asteriskParser, `NOTICE[1234]: chan_sip.c:23456 in handle_request_register: Registration from '"100" <sip:100@198.51.100.1>' failed for '192.0.2.1:5060' - Wrong password`, {
    ...failure('sip_register', '192.0.2.1', '100', 5060),
    'event.reason': 'Wrong password',
  });
  expectFields(asteriskParser, `NOTICE[2210]: res_pjsip/pjsip_distributor.c:676 log_failed_request: Request 'REGISTER' from '<sip:admin@198.51.100.1>' failed for '192.0.2.2:5071' (callid: 12345) - No matching endpoint found`, failure('sip_register', '192.0.2.2', 'admin', 5071));
  expectFields(asteriskParser, `NOTICE[2210]: res_pjsip/pjsip_distributor.c:676 log_failed_request: Request 'INVITE' from '"x" <sip:9011@198.51.100.1>' failed for '192.0.2.3:5060' (callid: a) - Failed to authenticate`, failure('sip_invite', '192.0.2.3', '9011', 5060));
  expectNoMatch(asteriskParser, `VERBOSE[1234]: -- Registered SIP '100' at 192.0.2.1:5060`);
});
