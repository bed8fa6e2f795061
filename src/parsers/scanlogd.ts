import { F } from '../schema/fields.js';
import { fieldsParser, setSource, type Fields } from './service-fields.js';

const A = {
  ports: 'scanlogd.ports',
  portsTruncated: 'scanlogd.ports_truncated',
  tcpFlags: 'scanlogd.tcp_flags',
  tos: 'scanlogd.tos',
  ttl: 'scanlogd.ttl',
  startTime: 'scanlogd.start_time',
} as const;

// `192.0.2.123[:port] to 192.0.2.1 ports 80, 81, 83, …, f????uxy, TOS 00, TTL 49 @20:44:43`
// (scanlogd watches IPv4 only)
const SCAN =
  /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))? to (\d{1,3}(?:\.\d{1,3}){3}) ports ((?:\d{1,5}, ){0,64})(\.\.\., )?([a-zA-Z?]{8}), TOS ([0-9a-fA-F]{2})(?:, TTL (\d{1,3}))? @(\d{2}:\d{2}:\d{2})$/;

/**
 * scanlogd: a TCP port scan it detected, as an attack indicator from the scanning address (the scanned ports, the TCP
 * flags seen, TOS and TTL kept under `scanlogd.*`).
 */
export function scanlogdFields(message: string): Fields | undefined {
  const c = message.charCodeAt(0);
  if (c < 48 || c > 57) return undefined;
  const m = SCAN.exec(message);
  if (!m) return undefined;
  const f: Fields = {
    [F.eventKind]: 'alert',
    [F.eventCategory]: ['network', 'intrusion_detection'],
    [F.eventType]: ['connection', 'indicator'],
    [F.eventAction]: 'port_scan',
    [F.networkTransport]: 'tcp',
    [F.destinationIp]: m[3],
    [A.ports]: (m[4] as string)
      .split(', ')
      .filter((p) => p !== '')
      .map(Number),
    [A.tcpFlags]: m[6],
    [A.tos]: m[7],
    [A.startTime]: m[9],
  };
  setSource(f, m[1], m[2]);
  if (m[5] !== undefined) f[A.portsTruncated] = true;
  if (m[8] !== undefined) f[A.ttl] = Number(m[8]);
  return f;
}

/** scanlogd (syslog): detected port scans. */
export const scanlogdParser = fieldsParser({ name: 'scanlogd', dataset: 'scanlogd', programs: ['scanlogd'] }, scanlogdFields);
