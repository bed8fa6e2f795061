import { F } from '../schema/fields.js';
import { authFailure, authSuccess, fieldsParser, type Fields } from './service-fields.js';

/**
 * SOGo (groupware) logins: `SOGoRootPage Login from '192.0.2.1' for user 'x' might not have worked - password
 * policy: …` (a failed login) and `SOGoRootPage successful login from '192.0.2.1' for user 'x' - expire = …`.
 * Behind a proxy the address is the X-Forwarded-For list (`'192.0.2.16, 10.0.0.1'`): the first one is the client.
 * sogod writes `sogod [pid]:` (a space before the pid), which reads as a host name without a program, so the parser
 * is also offered program-less messages: it rejects anything not starting with `SOGoRootPage` or `[pid]: SOGo`.
 */

const PAGE = 'SOGoRootPage ';
const LOGIN = /^SOGoRootPage (Login|successful login) from '([^']{1,512})' for user '([^']{0,255})'( might not have worked)?/;
const PID = /^\[\d{1,10}\]: /;

export function sogoFields(message: string): Fields | undefined {
  let m = message;
  if (m.charCodeAt(0) === 91) {
    const p = PID.exec(m);
    if (!p) return undefined;
    m = m.slice(p[0].length);
  }
  if (!m.startsWith(PAGE)) return undefined;
  const l = LOGIN.exec(m);
  if (!l) return undefined;
  const chain = (l[2] as string).split(',').map((s) => s.trim());
  const client = chain[0] ?? '';
  const user = l[3] === '' ? undefined : l[3];
  if (l[1] === 'Login' && l[4] !== undefined) {
    const f = authFailure('sogo_login', client, user);
    if (chain.length > 1) f['related.ip'] = chain;
    return f;
  }
  if (l[1] === 'successful login') {
    const f = authSuccess('sogo_login', client, user);
    if (chain.length > 1) f['related.ip'] = chain;
    return f;
  }
  return { [F.eventCategory]: ['authentication'], [F.eventAction]: 'sogo_login', [F.sourceIp]: client };
}

export const sogoParser = fieldsParser({ name: 'sogo', dataset: 'sogo', programs: ['sogod', 'sogo'], any: true }, sogoFields);
