import { authFailure, authSuccess, fieldsParser, type Fields } from './service-fields.js';

// vsftpd.log lines carry their own date; syslog lines start at `[pid N]` or at the user:
// `Sun Sep 14 10:13:18 2008 [pid 12345] [bob] FAIL LOGIN: Client "192.0.2.1"` / `[bob] OK LOGIN: Client "::ffff:192.0.2.1"`
const LOGIN = /^(?:[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} )?(?:\[pid \d+\] )?\[([^\]]*)\] (FAIL|OK) LOGIN: Client "([^"]*)"/;

export function vsftpdFields(message: string): Fields | undefined {
  const m = LOGIN.exec(message);
  if (!m) return undefined;
  const user = m[1] === '' ? undefined : m[1];
  return m[2] === 'FAIL' ? authFailure('ftp_login', m[3], user) : authSuccess('ftp_login', m[3], user);
}

/** vsftpd logins (its PAM lines go to the PAM parser). */
export const vsftpdParser = fieldsParser({ name: 'vsftpd', dataset: 'vsftpd', programs: ['vsftpd'] }, vsftpdFields);
