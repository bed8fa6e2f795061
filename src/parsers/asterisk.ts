import { authFailure, fieldsParser, splitHostPort, type Fields } from './service-fields.js';

// `NOTICE[1234]: chan_sip.c:23456 in handle_request_register: Registration from '"100" <sip:100@198.51.100.1>' failed for '192.0.2.1:5060' - Wrong password`
// PJSIP: `NOTICE[1234]: res_pjsip/pjsip_distributor.c:676 log_failed_request: Request 'REGISTER' from '<sip:100@198.51.100.1>' failed for '192.0.2.1:5060' (callid: x) - No matching endpoint found`
const FAILED = /(?:Registration|Request '([A-Z]{1,16})') from '([^']{0,512})' failed for '([^'\s]{1,64})'(?: \(callid: [^)]{0,256}\))? - ([^\r\n]{0,512})$/;
const SIP_USER = /sips?:([^@>;\s]{0,256})@/;

export function asteriskFields(message: string): Fields | undefined {
  const m = FAILED.exec(message);
  if (!m) return undefined;
  const peer = splitHostPort(m[3] as string);
  const user = SIP_USER.exec(m[2] as string)?.[1];
  const f = authFailure(m[1] === undefined || m[1] === 'REGISTER' ? 'sip_register' : `sip_${m[1].toLowerCase()}`, peer.host, user || undefined, peer.port);
  f['event.reason'] = m[4];
  return f;
}

/** Asterisk SIP registration and request failures. */
export const asteriskParser = fieldsParser({ name: 'asterisk', dataset: 'asterisk', programs: ['asterisk'] }, asteriskFields);
