import { authFailure, denied, fieldsParser, SF, type Fields } from './service-fields.js';

// `warning: unknown[192.0.2.1]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=x`
const SASL = /^warning: ([^\s[\]]*)\[([^\]\s]+)\](?::(\d+))?: SASL ([A-Za-z0-9-]+) authentication failed(?:: ?([^,]*))?(?:, sasl_username=(\S*))?/;
// `NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 554 5.7.1 <x@y>: Relay access denied; from=<a> to=<b> proto=ESMTP`
const REJECT = /^(?:NOQUEUE|[0-9A-Za-z]{5,20}): (reject|discard|hold): ([A-Z-]+) from ([^\s[\]]*)\[([^\]\s]+)\](?::(\d+))?: (\d{3})(?: (\d\.\d{1,3}\.\d{1,3}))? ([^;]*)/;
const FROM = / from=<([^>\s]{0,512})>/;
const TO = / to=<([^>\s]{0,512})>/;

export function postfixFields(message: string): Fields | undefined {
  const s = SASL.exec(message);
  if (s) {
    const f = authFailure('sasl_auth_failed', s[2], s[6] || undefined, s[3]);
    if (s[1] && s[1] !== 'unknown') f[SF.sourceDomain] = s[1];
    f[SF.authMethod] = s[4];
    if (s[5]) f[SF.reason] = s[5];
    f['event.category'] = ['authentication', 'email'];
    return f;
  }
  const r = REJECT.exec(message);
  if (r) {
    const f = denied(`smtp_${(r[1] as string).toLowerCase()}`, ['email', 'network'], r[4], r[5]);
    if (r[3] && r[3] !== 'unknown') f[SF.sourceDomain] = r[3];
    f['smtp.command'] = r[2];
    f[SF.smtpCode] = Number(r[6]);
    f[SF.reason] = (r[8] as string).trim();
    const from = FROM.exec(message);
    const to = TO.exec(message);
    if (from?.[1]) f[SF.emailFrom] = [from[1]];
    if (to?.[1]) f[SF.emailTo] = [to[1]];
    return f;
  }
  return undefined;
}

/** Postfix smtpd: SASL authentication failures and NOQUEUE rejects. */
export const postfixParser = fieldsParser(
  {
    name: 'postfix',
    dataset: 'postfix',
    programs: ['postfix/smtpd', 'postfix/submission/smtpd', 'postfix/smtps/smtpd', 'postfix/postscreen', 'postfix/cleanup', 'postfix'],
  },
  postfixFields,
);
