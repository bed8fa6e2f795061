import { isIP } from 'node:net';
import { authFailure, cleanHost, denied, fieldsParser, type Fields } from './service-fields.js';

const SMTP_FAIL = ' authentication failure using internet password';
// `SMTP Server: Authentication failed for user postmaster ; connecting host 192.0.2.1`,
// `SMTP Server [0D14:0027-1334] Authentication failed for user Bad Hacker ; connecting host [192.0.2.1]`
const SERVER = /^SMTP Server(?: \[[0-9A-Fa-f:-]{1,64}\])?:? (?:Authentication failed for user (.*) ; connecting host (\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+)$|Connection from \[([0-9A-Fa-f:.]+)\] rejected for policy reasons)/;

export function dominoFields(raw: string): Fields | undefined {
  const message = raw.trimStart();
  if (message.startsWith('smtp: ') && message.endsWith(SMTP_FAIL)) {
    // `smtp: USER [192.0.2.1] authentication failure using internet password`; USER may hold spaces, and some
    // versions log the address without brackets, so the address is the last word before the fixed text.
    const middle = message.slice(6, message.length - SMTP_FAIL.length);
    const space = middle.lastIndexOf(' ');
    const host = cleanHost(middle.slice(space + 1));
    if (isIP(host) === 0) return undefined;
    const user = space > 0 ? middle.slice(0, space) : undefined;
    return authFailure('smtp_auth_failed', host, user);
  }
  const s = SERVER.exec(message);
  if (s?.[2] !== undefined) return authFailure('smtp_auth_failed', s[2], s[1]);
  if (s?.[3] !== undefined) return denied('smtp_policy_reject', ['email', 'network'], s[3]);
  return undefined;
}

/** HCL/IBM Domino SMTP server authentication failures (its console log has no syslog program name). */
export const dominoParser = fieldsParser({ name: 'domino-smtp', dataset: 'domino', programs: ['domino'], any: true }, (message) =>
  message.includes('smtp: ') || message.includes('SMTP Server') ? dominoFields(message) : undefined,
);
