import { authFailure, denied, fieldsParser, SF, type Fields } from './service-fields.js';

// Exim's mainlog line, with or without its own timestamp and a message id:
// `2013-01-04 17:03:46 dovecot_login authenticator failed for (User) [192.0.2.1]:51234: 535 Incorrect authentication data (set_id=user)`
const STAMP = /^(?:\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?: [+-]\d{4})? )?(?:\[\d+\] )?(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} )?/;
const AUTH = /^(?:([A-Za-z0-9_-]{1,64}) )?authenticator failed for (?:([^\s()[\]]+) )?(?:\(([^()]*)\) )?\[([^\]\s]+)\](?::(\d+))?(?: I=\[[^\]\s]*\](?::\d+)?)?: (\d{3})/;
// `H=(helo) [192.0.2.1]:1234 F=<a@b> rejected RCPT <c@d>: relay not permitted`
const REJECT = /^H=(?:([^\s()[\]]+) )?(?:\(([^()]*)\) )?\[([^\]\s]+)\](?::(\d+))?(?: I=\[[^\]\s]*\](?::\d+)?)?(?: [A-Z]=\S*)* rejected (RCPT|MAIL|EHLO|HELO|connection|after DATA)/;

export function eximFields(message: string): Fields | undefined {
  const stamp = STAMP.exec(message);
  const rest = stamp ? message.slice(stamp[0].length) : message;
  const a = AUTH.exec(rest);
  if (a) {
    const setId = rest.lastIndexOf('(set_id=');
    let user: string | undefined;
    if (setId >= 0) {
      const end = rest.lastIndexOf(')');
      user = end > setId ? rest.slice(setId + 8, end) : rest.slice(setId + 8);
    }
    const f = authFailure('smtp_auth_failed', a[4], user, a[5]);
    if (a[2]) f[SF.sourceDomain] = a[2];
    if (a[1]) f[SF.authMethod] = a[1];
    if (a[3] !== undefined) f['smtp.helo'] = a[3];
    f[SF.smtpCode] = Number(a[6]);
    f['event.category'] = ['authentication', 'email'];
    return f;
  }
  const r = REJECT.exec(rest);
  if (r) {
    const f = denied('smtp_reject', ['email', 'network'], r[3], r[4]);
    if (r[1]) f[SF.sourceDomain] = r[1];
    f['smtp.command'] = r[5];
    return f;
  }
  return undefined;
}

/** Exim: authenticator failures and rejected SMTP commands. Tried for every program so that mainlog lines match. */
export const eximParser = fieldsParser({ name: 'exim', dataset: 'exim', programs: ['exim', 'exim4'], any: true }, (message) =>
  message.includes('authenticator failed for ') || message.includes(' rejected ') ? eximFields(message) : undefined,
);
