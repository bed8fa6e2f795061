import { F } from '../schema/fields.js';
import { daemonLineFormat, fractionMs, utcTime, type DaemonLine } from './daemon-line.js';
import { authFailure, authSuccess, SF, setSource, type Fields } from './service-fields.js';

/**
 * Oracle Communications Messaging Server (Oracle IMS) connection log in XML form (LOG_FORMAT=4): one element per line,
 * `<co ts="2014-06-02T16:06:33.99" pi="…" sc="tcp_local" dr="+" ac="U" tr="TCP|local|25|remote|4299" ap="SMTP"
 * mi="Bad password" us="user@example.org" di="535 5.7.8 Bad username or password (Authentication failed)."/>`.
 */

const MAX_ATTRS = 32;
const ATTR = /([a-z]{1,8})="([^"]{0,4096})"/y;
const TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
// `mi` texts of a refused login (the `di` SMTP reply says the same)
const BAD_LOGIN = /^(?:Bad password|Bad username|Authentication failed|Invalid user)/i;

/** The attributes of one element, scanned left to right (each is matched once, at the scan position). */
function attributes(line: string): Map<string, string> | undefined {
  const a = new Map<string, string>();
  let i = line.indexOf(' ') + 1;
  while (i > 0 && i < line.length && a.size < MAX_ATTRS) {
    ATTR.lastIndex = i;
    const m = ATTR.exec(line);
    if (!m) break;
    a.set(m[1] as string, m[2] as string);
    i = ATTR.lastIndex;
    while (line.charCodeAt(i) === 32) i++;
  }
  return a.size > 0 ? a : undefined;
}

export function readOracleIms(line: string): DaemonLine | undefined {
  const a = attributes(line);
  if (!a) return undefined;
  const user = a.get('us');
  const mi = a.get('mi') ?? '';
  // tr="TCP|local address|local port|remote address|remote port"
  const tr = (a.get('tr') ?? '').split('|');
  const remote = tr[3];
  const remotePort = tr[4];
  let f: Fields;
  if (BAD_LOGIN.test(mi)) f = authFailure('smtp_auth_failed', remote, user, remotePort);
  else if (mi.startsWith('Authentication successful')) f = authSuccess('smtp_auth', remote, user, remotePort);
  else {
    f = { [F.eventCategory]: ['network'], [F.eventType]: ['connection'], [F.eventAction]: 'connection' };
    setSource(f, remote, remotePort);
    if (user !== undefined) f[F.userName] = user;
  }
  if (tr[1] !== undefined && tr[1] !== '') f[F.destinationIp] = tr[1];
  const lport = Number(tr[2]);
  if (tr[2] !== undefined && Number.isInteger(lport) && lport >= 0 && lport <= 65535) f[F.destinationPort] = lport;
  if (tr[0] !== undefined && tr[0] !== '') f[F.networkTransport] = tr[0].toLowerCase();
  if (mi !== '') f[SF.reason] = mi;
  const di = a.get('di');
  if (di !== undefined && /^\d{3} /.test(di)) f[SF.smtpCode] = Number(di.slice(0, 3));
  const ap = a.get('ap');
  if (ap !== undefined) f['network.protocol'] = ap.toLowerCase();
  const sc = a.get('sc');
  if (sc !== undefined) f['vigil.oracleims.channel'] = sc;
  const t = TS.exec(a.get('ts') ?? '');
  const ts = t ? utcTime(Number(t[1]), Number(t[2]) - 1, Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6]), fractionMs(t[7])) : undefined;
  return ts !== undefined ? { ts, fields: f } : { fields: f };
}

/** `<co ts="`: a connection element. */
export function sniffOracleIms(line: string): boolean {
  return line.startsWith('<co ts="');
}

export const oracleImsFormat = daemonLineFormat({ name: 'oracleims', dataset: 'oracleims' }, sniffOracleIms, readOracleIms);
