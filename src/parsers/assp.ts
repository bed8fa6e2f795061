import { isIP } from 'node:net';
import { F } from '../schema/fields.js';
import { daemonLineFormat, digitsAt, monthOf, utcTime, type DaemonLine } from './daemon-line.js';
import { authFailure, cleanHost, denied, SF, type Fields } from './service-fields.js';

/**
 * ASSP (Anti-Spam SMTP Proxy) maillog: `Apr-07-13 07:08:36 [SSL-out] 192.0.2.1 SSL negotiation with client failed: …`,
 * newer releases with a message id and worker tags: `Jul-30-16 17:11:05 m1-13060-05386 [Worker_1] [TLS-out] 192.0.2.1
 * [SMTP Error] 535 5.7.8 Error: authentication failed: …`.
 */

const TIME = /^([A-Z][a-z]{2})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) /;
const MESSAGE_ID = /^m\d{1,3}-\d{1,10}-\d{1,10} /;
const MAX_TAGS = 8;
// `<user@example.com> to: user@example.org relay attempt blocked for: someone@example.org`
const RELAY = /^(?:<([^<>\s]{1,320})> )?(?:to: (\S{1,320}) )?relay attempt blocked for(?: \(parsing\))?: (\S{1,330})$/;
const SMTP_ERROR = /^\[SMTP Error\] (\d{3}) (\d\.\d{1,3}\.\d{1,3}) Error: authentication failed:\s?(.{0,512})$/;
const MAX_AUTH = /^max sender authentication errors \((\d{1,3})\) exceeded -- (?:dropping|refusing) connection/;
const BLOCKING = /^Blocking (\S{1,64}) - (.{1,512}?);?$/;

/** The classification of the text after the peer address. */
function classify(text: string, ip: string): Fields {
  if (text.startsWith('SSL negotiation with client failed')) {
    const f = denied('tls_handshake_failed', ['network'], ip);
    f[SF.reason] = text.slice(0, 512);
    return f;
  }
  const smtp = text.charCodeAt(0) === 91 ? SMTP_ERROR.exec(text) : null;
  if (smtp) {
    const f = authFailure('smtp_auth_failed', ip);
    f[SF.smtpCode] = Number(smtp[1]);
    if (smtp[3] !== undefined && smtp[3] !== '') f[SF.reason] = smtp[3];
    return f;
  }
  const max = MAX_AUTH.exec(text);
  if (max) {
    const f = authFailure('smtp_auth_failed', ip);
    f[SF.reason] = `max sender authentication errors (${max[1] as string}) exceeded`;
    return f;
  }
  const relay = RELAY.exec(text);
  if (relay) {
    const f = denied('relay_denied', ['email', 'network'], ip);
    if (relay[1] !== undefined) f[SF.emailFrom] = relay[1];
    f[SF.emailTo] = (relay[2] ?? relay[3] ?? '').replace(/^<|>$/g, '');
    return f;
  }
  const f: Fields = {};
  f[F.sourceIp] = ip;
  return f;
}

export function readAssp(line: string): DaemonLine | undefined {
  const t = TIME.exec(line);
  if (!t) return undefined;
  const month = monthOf(t[1] as string);
  const ts = utcTime(2000 + Number(t[3]), month, Number(t[2]), Number(t[4]), Number(t[5]), Number(t[6]));
  if (ts === undefined) return undefined;
  let rest = line.slice(t[0].length);
  const message = rest;
  const block = rest.startsWith('Blocking ') ? BLOCKING.exec(rest) : null;
  if (block) {
    const host = cleanHost(block[1] as string);
    if (isIP(host) === 0) return undefined;
    const f = denied('block', ['network'], host);
    f[SF.reason] = block[2];
    return { ts, fields: f, message };
  }
  const id = MESSAGE_ID.exec(rest);
  const fields: Fields = {};
  if (id) {
    fields['email.message_id'] = id[0].slice(0, -1);
    rest = rest.slice(id[0].length);
  }
  const tags: string[] = [];
  while (rest.charCodeAt(0) === 91 && tags.length < MAX_TAGS) {
    const close = rest.indexOf('] ');
    if (close < 2 || close > 64) break;
    tags.push(rest.slice(1, close));
    rest = rest.slice(close + 2);
  }
  const sp = rest.indexOf(' ');
  if (sp < 2 || sp > 45) return undefined;
  const ip = cleanHost(rest.slice(0, sp));
  if (isIP(ip) === 0) return undefined;
  Object.assign(fields, classify(rest.slice(sp + 1), ip));
  if (tags.length > 0) fields['vigil.assp.tags'] = tags;
  return { ts, fields, message };
}

/** `Mon-DD-YY HH:MM:SS `: three letters, then digits at fixed places. */
export function sniffAssp(line: string): boolean {
  return line.charCodeAt(3) === 45 && line.charCodeAt(6) === 45 && line.charCodeAt(9) === 32 && line.charCodeAt(12) === 58 && digitsAt(line, [4, 5, 7, 8, 10, 11]);
}

export const asspFormat = daemonLineFormat({ name: 'assp', dataset: 'assp' }, sniffAssp, readAssp);
