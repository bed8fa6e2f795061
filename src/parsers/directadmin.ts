import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { authFailure, authSuccess, type Fields } from './service-fields.js';
import { ADDR, digitAt, fieldsFormat, isoFromParts } from './webapp-common.js';

/**
 * DirectAdmin's login log (`security.log`): `2014:07:02-13:07:40: '192.0.2.1' 13 failed login attempts. Account
 * 'admin'`, `… Invalid account 'x'`, `… Account 'user' via 'admin'` (an administrator logging in as a user: the
 * administrator authenticates), and `'192.0.2.1' successful login to 'x' after 1 attempts`.
 */

const HEAD = new RegExp(`^(\\d{4}):(\\d{2}):(\\d{2})-(\\d{2}):(\\d{2}):(\\d{2}): '(${ADDR})' `);
const FAILED = /^(\d{1,9}) failed login attempts?\. (Invalid account|Account) '([^']{0,255})'(?: via '([^']{0,255})')?$/;
const OK = /^successful login to '([^']{0,255})' after (\d{1,9}) attempts?$/;

function decode(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

export function directAdminFields(line: string): Fields | undefined {
  const h = HEAD.exec(line);
  if (!h) return undefined;
  const rest = line.slice(h[0].length);
  let f: Fields;
  const m = FAILED.exec(rest);
  if (m) {
    const account = decode(m[3] as string);
    const via = m[4] !== undefined ? decode(m[4]) : undefined;
    f = authFailure(m[2] === 'Invalid account' ? 'unknown_user' : 'login_failed', h[7], via ?? account);
    if (via !== undefined) f['user.target.name'] = account;
    f['directadmin.failed_attempts'] = Number(m[1]);
  } else {
    const o = OK.exec(rest);
    if (!o) return undefined;
    f = authSuccess('login', h[7], decode(o[1] as string));
    f['directadmin.attempts'] = Number(o[2]);
  }
  const ts = isoFromParts(h[1] as string, h[2] as string, h[3] as string, h[4] as string, h[5] as string, h[6] as string);
  if (ts !== undefined) f[F.timestamp] = ts;
  return f;
}

export const directAdminFormat: LineFormat = fieldsFormat(
  { name: 'directadmin', dataset: 'directadmin' },
  (line) => digitAt(line, 0) && line.charCodeAt(4) === 58 && line.charCodeAt(7) === 58 && line.charCodeAt(10) === 45 && line.startsWith(": '", 19),
  directAdminFields,
);
