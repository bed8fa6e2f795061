import { authFailure, authSuccess, fieldsParser, type Fields } from './service-fields.js';

// `(?@192.0.2.1) [WARNING] Authentication failed for user [bob]`, `(bob@192.0.2.1) [INFO] bob is now logged in`
const FAILED = /^\(([^@()\s]*)@([^)\s]+)\) \[WARNING\] Authentication failed for user \[(.*)\]$/;
const OK = /^\(([^@()\s]*)@([^)\s]+)\) \[INFO\] (\S+) is now logged in$/;

export function pureFtpdFields(message: string): Fields | undefined {
  const m = FAILED.exec(message);
  if (m) return authFailure('ftp_login', m[2], m[3]);
  const ok = OK.exec(message);
  if (ok) return authSuccess('ftp_login', ok[2], ok[3]);
  return undefined;
}

/** Pure-FTPd logins. */
export const pureFtpdParser = fieldsParser({ name: 'pure-ftpd', dataset: 'pure_ftpd', programs: ['pure-ftpd', 'pure-ftpd-mysql', 'pure-ftpd-ldap'] }, pureFtpdFields);
