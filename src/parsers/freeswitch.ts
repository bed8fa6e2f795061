import { authFailure, fieldsParser, setSource, type Fields } from './service-fields.js';

// `[WARNING] sofia_reg.c:1478 SIP auth failure (INVITE) on sofia profile 'internal' for [1001@192.168.2.51] from ip 192.0.2.6`
const AUTH = /SIP auth (failure|challenge) \(([A-Z]{1,16})\) on sofia profile '([^']{0,128})' for \[([^@\]]{0,256})@([^\]]{0,256})\] from ip ([0-9A-Fa-f:.]{2,45})$/;
// `[WARNING] sofia_reg.c:2531 Can't find user [1001@192.168.2.51] from 192.0.2.6`
const NO_USER = /Can't find user \[([^@\]]{0,256})@([^\]]{0,256})\] from ([0-9A-Fa-f:.]{2,45})$/;

export function freeswitchFields(message: string): Fields | undefined {
  const a = AUTH.exec(message);
  if (a) {
    const f = authFailure(`sip_auth_${a[1] as string}`, a[6], a[4]);
    // A digest challenge is the normal first step of a SIP login; only the failure is a failed attempt.
    if (a[1] === 'challenge') f['event.outcome'] = 'unknown';
    f['sip.method'] = a[2];
    f['sip.profile'] = a[3];
    f['destination.domain'] = a[5];
    return f;
  }
  const n = NO_USER.exec(message);
  if (n) {
    const f = authFailure('unknown_user', undefined, n[1]);
    setSource(f, n[3]);
    f['destination.domain'] = n[2];
    return f;
  }
  return undefined;
}

/** FreeSWITCH (mod_sofia) SIP authentication failures and unknown users. */
export const freeswitchParser = fieldsParser({ name: 'freeswitch', dataset: 'freeswitch', programs: ['freeswitch'] }, freeswitchFields);
