import { isIP } from 'node:net';
import type { EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { applyFields, SF, type Fields } from './service-fields.js';

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
