import { address } from './webapp-common.js';
import { authFailure, authSuccess, fieldsParser, type Fields } from './service-fields.js';

/**
 * Webmin (miniserv.pl) logins to syslog: `Invalid login as root from 192.0.2.1` (wrong password),
 * `Non-existent login as robert from 192.0.2.1` (unknown user), `Successful login as root from 192.0.2.1`.
 */

const KINDS: readonly [string, 'wrong_password' | 'unknown_user' | 'login'][] = [
  ['Invalid login as ', 'wrong_password'],
  ['Non-existent login as ', 'unknown_user'],
  ['Successful login as ', 'login'],
];

export function webminFields(message: string): Fields | undefined {
  const kind = KINDS.find(([prefix]) => message.startsWith(prefix));
  if (!kind) return undefined;
  const rest = message.slice(kind[0].length, kind[0].length + 1024).trimEnd();
  const from = rest.lastIndexOf(' from ');
  if (from <= 0) return undefined;
  const host = address(rest.slice(from + 6));
  if (host === undefined) return undefined;
  const user = rest.slice(0, from);
  return kind[1] === 'login' ? authSuccess('webmin_login', host, user) : authFailure(kind[1], host, user);
}

export const webminParser = fieldsParser({ name: 'webmin', dataset: 'webmin', programs: ['webmin', 'miniserv', 'usermin'] }, webminFields);
