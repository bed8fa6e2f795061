import { hostname } from 'node:os';
import { VERSION } from '../../version.js';
import type { AlertChange, TriagedAlert } from '../types.js';
import { alertFields } from './template.js';

/*
 * Alerts as CEF (ArcSight Common Event Format, rev. 25) or JSON, framed as RFC 5424 syslog messages for another SIEM.
 * CEF header fields escape `\` and `|`; extension values escape `\`, `=`, and newlines (\n, \r); header fields cannot
 * hold a newline, so one becomes a space.
 */

const MAX_MSG = 1024;

export function cefHeader(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

export function cefValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r\n|\n/g, '\\n').replace(/\r/g, '\\r');
}

function ms(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? String(t) : '';
}

/** One alert as a CEF line (no syslog header). */
export function toCef(alert: TriagedAlert, change: AlertChange): string {
  const sev = Math.max(0, Math.min(10, Math.round(alert.severity / 10)));
  const e = alert.entities;
  const m = alertFields(alert, change).message;
  const msg = typeof m === 'string' ? m : alert.ruleName;
  const ext: [string, string][] = [
    ['rt', ms(alert.lastSeen)],
    ['start', ms(alert.firstSeen)],
    ['end', ms(alert.lastSeen)],
    ['externalId', alert.id],
    ['cnt', String(alert.count)],
    ['src', e.sourceIp[0] ?? ''],
    ['dst', e.destinationIp[0] ?? ''],
    ['duser', e.userName[0] ?? ''],
    ['dhost', e.hostName[0] ?? ''],
    ['act', change],
    ['outcome', alert.status],
    ['cn1', String(alert.riskScore)],
    ['cn1Label', 'riskScore'],
    ['cs1', alert.techniques.join(',')],
    ['cs1Label', 'attackTechniques'],
    ['cs2', alert.level],
    ['cs2Label', 'level'],
    ['msg', msg.length > MAX_MSG ? `${msg.slice(0, MAX_MSG)}…` : msg],
  ];
  const extension = ext
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${cefValue(v)}`)
    .join(' ');
  const header = ['CEF:0', 'Vigil', 'Vigil', VERSION, alert.ruleId, alert.ruleName, String(sev)].map((h, i) => (i === 0 ? h : cefHeader(h)));
  return `${header.join('|')}|${extension}`;
}

/** The syslog severity for a Sigma level (critical → 2 … informational → 6). */
export function syslogSeverity(level: string): number {
  return ({ critical: 2, high: 3, medium: 4, low: 5, informational: 6 } as Record<string, number>)[level] ?? 5;
}

/** Printable US-ASCII without spaces, at most `max` characters, or the nil value `-` (RFC 5424 header fields). */
function headerField(v: string, max: number): string {
  const s = v.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return s === '' ? '-' : s;
}

const HOST = headerField(hostname(), 255);

/** An RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG`. */
export function rfc5424(msg: string, opts: { facility: number; severity: number; appName: string; msgId: string; time: number; host?: string }): string {
  const pri = opts.facility * 8 + opts.severity;
  const host = opts.host !== undefined ? headerField(opts.host, 255) : HOST;
  return `<${pri}>1 ${new Date(opts.time).toISOString()} ${host} ${headerField(opts.appName, 48)} ${process.pid} ${headerField(opts.msgId, 32)} - ${msg}`;
}

/** RFC 6587 octet counting for a stream transport: `LEN SP MSG`. */
export function octetFrame(msg: string): Buffer {
  const body = Buffer.from(msg, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
