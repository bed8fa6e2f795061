import { denied, fieldsParser, SF, type Fields } from './service-fields.js';

// `1157520813.485077 rblsmtpd: 192.0.2.77 pid 19597 sbl-xbl.spamhaus.org: 451 http://…`
const RBLSMTPD = /^(?:\d+\.\d+ )?rblsmtpd: ([0-9A-Fa-f:.]+) pid \d+ ([^\s:]+): (\d{3})/;
// `1157519909.633171 qmail-smtpd: 421 badiprbl: ip 192.0.2.54 rbl: example.com`
const BADIP = /^(?:\d+\.\d+ )?qmail-smtpd: (\d{3}) badiprbl: ip ([0-9A-Fa-f:.]+) rbl: (\S+)/;
// rblsmtpd under its own program name: `relays.ordb.org blocked 192.0.2.47 ordb-test.null.dk -`
const BLOCKED = /^([^\s:]+) blocked ([0-9A-Fa-f:.]+)(?: |$)/;

function rbl(host: string, list: string, code?: string): Fields {
  const f = denied('rbl_reject', ['email', 'network'], host);
  f['rule.name'] = list;
  if (code !== undefined) f[SF.smtpCode] = Number(code);
  return f;
}

export function qmailFields(message: string): Fields | undefined {
  const r = RBLSMTPD.exec(message);
  if (r) return rbl(r[1] as string, r[2] as string, r[3]);
  const b = BADIP.exec(message);
  if (b) return rbl(b[2] as string, b[3] as string, b[1]);
  const k = BLOCKED.exec(message);
  if (k) return rbl(k[2] as string, k[1] as string);
  return undefined;
}

/** qmail and rblsmtpd: connections refused because the client is on a DNS blocklist. */
export const qmailParser = fieldsParser({ name: 'qmail', dataset: 'qmail', programs: ['qmail', 'rblsmtpd', 'qmail-smtpd'] }, qmailFields);
