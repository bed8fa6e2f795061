import { isIP } from 'node:net';
import type { EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { applyFields, fieldsParser, setSource, SF, type Fields } from './service-fields.js';

// portsentry.history: `1403884279 - 06/27/2014 17:51:19 Host: scanner.example/192.0.2.1 Port: 1 TCP Blocked`
const HISTORY = /^(\d{10}) - \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} Host: ([^\s/]{1,255})\/([0-9A-Fa-f:.]{2,45}) Port: (\d{1,5}) (TCP|UDP) Blocked$/;

/** One blocked host of portsentry's history file: a denied connection from the scanning address to the probed port. */
export function portsentryHistoryFields(line: string): { fields: Fields; ms: number } | undefined {
  const m = HISTORY.exec(line);
  if (!m) return undefined;
  const ip = m[3] as string;
  if (isIP(ip) === 0) return undefined;
  const fields: Fields = {
    [F.eventKind]: 'alert',
    [F.eventCategory]: ['network', 'intrusion_detection'],
    [F.eventType]: ['connection', 'denied'],
    [F.eventAction]: 'port_scan_blocked',
    [F.sourceIp]: ip,
    [F.destinationPort]: Number(m[4]),
    [F.networkTransport]: (m[5] as string).toLowerCase(),
  };
  // portsentry writes the resolved name, or the address again when it did not resolve
  if (m[2] !== ip) fields[SF.sourceDomain] = m[2];
  return { fields, ms: Number(m[1]) * 1000 };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** portsentry's history file (`portsentry.history`): hosts it blocked, one per line after the epoch. */
export const portsentryFormat: LineFormat = {
  name: 'portsentry-history',
  dataset: 'portsentry',
  sniff(line) {
    return isDigit(line.charCodeAt(0)) && line.charCodeAt(10) === 32 && line.charCodeAt(11) === 45 && line.charCodeAt(12) === 32;
  },
  parse(line: string, event: EcsEvent) {
    const r = portsentryHistoryFields(line);
    if (!r) return false;
    applyFields(event, r.fields);
    event[F.timestamp] = new Date(r.ms).toISOString();
    return true;
  },
};

// syslog: `attackalert: Connect from host: name/192.0.2.1 to TCP port: 1080`, `attackalert: SYN/Normal scan from host: …`,
// `attackalert: Host 192.0.2.1 has been blocked via dropped route using command: "…"`,
// `attackalert: Host: 192.0.2.1 is already blocked. Ignoring`
const ALERT =
  /^attackalert: (?:(Connect|[A-Za-z/ ]{1,32} scan) from host: ([^\s/]{1,255})\/([0-9A-Fa-f:.]{2,45}) to (TCP|UDP) port: (\d{1,5})$|Host:? ([0-9A-Fa-f:.]{2,45}) (?:has been blocked via (wrappers|dropped route)|is already blocked)\b)/;

/** portsentry's syslog messages: probes and scans it saw (attack indicators) and the hosts it blocked (denials). */
export function portsentryFields(message: string): Fields | undefined {
  if (message.charCodeAt(0) !== 97 || !message.startsWith('attackalert: ')) return undefined;
  const m = ALERT.exec(message);
  if (!m) return undefined;
  const f: Fields = { [F.eventKind]: 'alert', [F.eventCategory]: ['network', 'intrusion_detection'] };
  if (m[1] !== undefined) {
    const ip = m[3] as string;
    if (isIP(ip) === 0) return undefined;
    f[F.eventType] = ['connection', 'indicator'];
    f[F.eventAction] = m[1] === 'Connect' ? 'port_probe' : 'port_scan';
    if (m[1] !== 'Connect') f['event.reason'] = m[1];
    f[F.sourceIp] = ip;
    if (m[2] !== ip) f[SF.sourceDomain] = m[2];
    f[F.destinationPort] = Number(m[5]);
    f[F.networkTransport] = (m[4] as string).toLowerCase();
    return f;
  }
  f[F.eventType] = m[7] !== undefined ? ['denied'] : ['info'];
  f[F.eventAction] = m[7] === 'wrappers' ? 'host_blocked_wrappers' : m[7] !== undefined ? 'host_blocked_route' : 'already_blocked';
  setSource(f, m[6]);
  return f;
}

/** portsentry through syslog. */
export const portsentryParser = fieldsParser({ name: 'portsentry', dataset: 'portsentry', programs: ['portsentry'] }, portsentryFields);
