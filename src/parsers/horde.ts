import { F } from '../schema/fields.js';
import { authFailure, authSuccess, fieldsParser, type Fields } from './service-fields.js';
import { ADDR } from './webapp-common.js';

/**
 * Horde (webmail/groupware) logins: `[error] [horde] FAILED LOGIN for graham [192.0.2.1] to Horde [on line 116 of
 * "…/login.php"]`, `[imp] FAILED LOGIN for user@example.com [192.0.2.1] to {mx:993 [imap/ssl]} …` and
 * `[notice] [horde] Login success for graham [192.0.2.1] to Horde …`. Horde's syslog ident (`HORDE`) often lands where
 * the host name goes, leaving no program, so the parser is also offered program-less messages: it rejects anything
 * not starting with `[`.
 */

const LOGIN = new RegExp(`^(?:\\[([a-z]{1,16})\\] )?\\[([\\w-]{1,32})\\] (FAILED LOGIN|Login success) for (\\S{1,255}) \\[(${ADDR})\\] to `);

export function hordeFields(message: string): Fields | undefined {
  if (message.charCodeAt(0) !== 91) return undefined;
  const m = LOGIN.exec(message);
  if (!m) return undefined;
  const f = m[3] === 'FAILED LOGIN' ? authFailure('horde_login', m[5], m[4]) : authSuccess('horde_login', m[5], m[4]);
  f['service.name'] = m[2];
  if (m[1] !== undefined) f[F.logLevel] = m[1];
  return f;
}

export const hordeParser = fieldsParser({ name: 'horde', dataset: 'horde', programs: ['horde'], any: true }, hordeFields);
