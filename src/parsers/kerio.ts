import { daemonLineFormat, digitsAt, monthOf, utcTime, type DaemonLine } from './daemon-line.js';
import { authFailure, denied, SF, type Fields } from './service-fields.js';

/** Kerio Connect security log: `[17/May/2017 19:44:25] Client with IP address 192.0.2.1 has no reverse DNS entry, …`. */

const TIME = /^\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})\] /;
const IP = '([0-9A-Fa-f:.]{2,45})';
const ADDR = '<([^<>\\s]{0,320})>';

interface Rule {
  re: RegExp;
  kind: 'auth' | 'denied';
  action: string;
  ip: number;
  from?: number;
  to?: number;
  user?: number;
  reason?: number;
  method?: number;
}

// Each pattern is anchored, and every variable part is bounded and ends at a literal, so matching stays linear.
const RULES: readonly Rule[] = [
  { re: new RegExp(`^Attempt to deliver to unknown recipient ${ADDR}, from ${ADDR}, IP address ${IP}$`), kind: 'denied', action: 'unknown_recipient', to: 1, from: 2, ip: 3 },
  { re: new RegExp(`^SMTP Spam attack detected from ${IP}, (.{1,256})$`), kind: 'denied', action: 'smtp_spam_attack', ip: 1, reason: 2 },
  { re: new RegExp(`^IP address ${IP} found in DNS blacklist ([^,]{1,128}), mail from ${ADDR} to ${ADDR}(?: rejected)?$`), kind: 'denied', action: 'dnsbl_reject', ip: 1, reason: 2, from: 3, to: 4 },
  { re: new RegExp(`^Relay attempt from IP address ${IP}, mail from ${ADDR} to ${ADDR} rejected$`), kind: 'denied', action: 'relay_denied', ip: 1, from: 2, to: 3 },
  { re: new RegExp(`^SMTP: User (\\S{1,320}) doesn't exist\\. Attempt from IP address ${IP}\\.$`), kind: 'denied', action: 'unknown_recipient', to: 1, ip: 2 },
  { re: new RegExp(`^Client with IP address ${IP} has no reverse DNS entry, (connection rejected.{0,128})$`), kind: 'denied', action: 'no_reverse_dns', ip: 1, reason: 2 },
  { re: new RegExp(`^Administration login into Web Administration from ${IP} failed: (.{1,256})$`), kind: 'auth', action: 'admin_login', ip: 1, reason: 2 },
  { re: new RegExp(`^Message from IP address ${IP}, sender ${ADDR} rejected: (.{1,256})$`), kind: 'denied', action: 'sender_rejected', ip: 1, from: 2, reason: 3 },
  { re: new RegExp(`^Failed SMTP login from ${IP} with SASL method ([\\w-]{1,32})\\.$`), kind: 'auth', action: 'smtp_login', ip: 1, method: 2 },
];

function classify(text: string): Fields | undefined {
  for (const r of RULES) {
    const m = r.re.exec(text);
    if (!m) continue;
    const ip = m[r.ip];
    const f = r.kind === 'auth' ? authFailure(r.action, ip) : denied(r.action, ['email', 'network'], ip);
    if (r.from !== undefined && m[r.from]) f[SF.emailFrom] = m[r.from];
    if (r.to !== undefined && m[r.to]) f[SF.emailTo] = m[r.to];
    if (r.reason !== undefined) f[SF.reason] = m[r.reason];
    if (r.method !== undefined) f[SF.authMethod] = m[r.method];
    return f;
  }
  return undefined;
}

export function readKerio(line: string): DaemonLine | undefined {
  const t = TIME.exec(line);
  if (!t) return undefined;
  const ts = utcTime(Number(t[3]), monthOf(t[2] as string), Number(t[1]), Number(t[4]), Number(t[5]), Number(t[6]));
  if (ts === undefined) return undefined;
  const message = line.slice(t[0].length);
  const fields = classify(message);
  // only the security log's known messages: other programs write the same time prefix
  return fields ? { ts, fields, message } : undefined;
}

/** `[DD/Mon/YYYY HH:MM:SS] ` */
export function sniffKerio(line: string): boolean {
  return line.charCodeAt(0) === 91 && line.charCodeAt(3) === 47 && line.charCodeAt(7) === 47 && line.charCodeAt(12) === 32 && line.charCodeAt(21) === 93 && digitsAt(line, [1, 2, 8, 11, 13, 14]);
}

export const kerioFormat = daemonLineFormat({ name: 'kerio', dataset: 'kerio' }, sniffKerio, readKerio);
