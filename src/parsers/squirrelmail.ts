import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { authFailure, authSuccess, setSource, SF, type Fields } from './service-fields.js';
import { ADDR, digitAt, fieldsFormat, isoFromParts } from './webapp-common.js';

/**
 * SquirrelMail's squirrel_logger plugin: `10/06/2013 15:50:41 [LOGIN_ERROR] user (example.org) from 192.0.2.1:
 * Unknown user or password incorrect.` (time as month/day/year). LOGIN_ERROR is a failed login, LOGIN a successful
 * one; other events (LOGOUT, MASS_MAILING, …) keep their name as event.action.
 */

const LINE = new RegExp(`^(\\d{2})\\/(\\d{2})\\/(\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) \\[([A-Z_]{1,32})\\] (\\S{1,255}) \\(([^)]{0,255})\\) from (${ADDR}): ?(.{0,4096})$`);

export function squirrelmailFields(line: string): Fields | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const event = m[7] as string;
  const user = m[8] as string;
  let f: Fields;
  if (event === 'LOGIN_ERROR') f = authFailure('squirrelmail_login', m[10], user);
  else if (event === 'LOGIN') f = authSuccess('squirrelmail_login', m[10], user);
  else {
    f = { [F.eventAction]: event.toLowerCase(), [F.userName]: user };
    setSource(f, m[10]);
  }
  if (m[9] !== '') f['user.domain'] = m[9];
  if (m[11] !== '') f[SF.reason] = m[11];
  const ts = isoFromParts(m[3] as string, m[1] as string, m[2] as string, m[4] as string, m[5] as string, m[6] as string);
  if (ts !== undefined) f[F.timestamp] = ts;
  return f;
}

export const squirrelmailFormat: LineFormat = fieldsFormat(
  { name: 'squirrelmail', dataset: 'squirrelmail' },
  (line) => digitAt(line, 0) && line.charCodeAt(2) === 47 && line.charCodeAt(5) === 47 && line.charCodeAt(13) === 58 && line.startsWith(' [', 19),
  squirrelmailFields,
);
