import { authFailure, authSuccess, fieldsParser, SF, type Fields } from './service-fields.js';
import { ADDR } from './webapp-common.js';

/**
 * phpMyAdmin's authentication log (`AuthLog = syslog`): `user denied: root (mysql-denied) from 192.0.2.1` (the
 * status in parentheses says why: mysql-denied, empty-denied, root-denied, allow-denied) and
 * `user authenticated: root from 192.0.2.1`.
 */

const DENIED = new RegExp(`^user denied: (.{0,255}) \\(([\\w-]{1,64})\\) from (${ADDR})$`);
const OK = new RegExp(`^user authenticated: (.{0,255}) from (${ADDR})$`);

export function phpMyAdminFields(message: string): Fields | undefined {
  if (!message.startsWith('user ')) return undefined;
  const d = DENIED.exec(message);
  if (d) {
    const f = authFailure('phpmyadmin_login', d[3], d[1] === '' ? undefined : d[1]);
    f[SF.reason] = d[2];
    return f;
  }
  const o = OK.exec(message);
  return o ? authSuccess('phpmyadmin_login', o[2], o[1]) : undefined;
}

export const phpMyAdminParser = fieldsParser({ name: 'phpmyadmin', dataset: 'phpmyadmin', programs: ['phpmyadmin'] }, phpMyAdminFields);
