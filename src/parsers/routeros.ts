import { F } from '../schema/fields.js';
import { authFailure, authSuccess, fieldsParser, type Fields } from './service-fields.js';

/**
 * MikroTik RouterOS remote syslog: the message starts with the log topics, with no program name
 * (`Feb 15 11:25:46 gw.local system,error,critical login failure for user admin from 192.0.2.6 via web`), so the
 * header reader takes the host and finds no program; this parser is tried for every program, after a prefix test.
 */

const TOPICS = /^system(?:,[a-z]{1,16}){1,6} /;
// the user name may be empty or hold spaces: it ends at the last ` from ADDR via SERVICE`
const LOGIN_FAILURE = /^login failure for user (.{0,256}?) from ([0-9A-Fa-f:.]{2,45}) via ([\w-]{1,32})$/;
const LOGGED_IN = /^user (.{1,256}?) logged in from ([0-9A-Fa-f:.]{2,45}) via ([\w-]{1,32})$/;

export function routerosFields(message: string): Fields | undefined {
  if (!message.startsWith('system,')) return undefined;
  const t = TOPICS.exec(message);
  if (!t) return undefined;
  const text = message.slice(t[0].length);
  const fail = LOGIN_FAILURE.exec(text);
  const ok = fail ? null : LOGGED_IN.exec(text);
  const m = fail ?? ok;
  if (!m) return undefined;
  const f = fail ? authFailure('login', m[2], m[1]) : authSuccess('login', m[2], m[1]);
  f['network.protocol'] = m[3];
  f['vigil.routeros.topics'] = t[0].slice(0, -1).split(',');
  f[F.eventCategory] = ['authentication'];
  return f;
}

/** RouterOS logins (failed and successful) from its topic-prefixed syslog messages. */
export const routerosParser = fieldsParser({ name: 'routeros', dataset: 'routeros', programs: ['routeros'], any: true }, routerosFields);
