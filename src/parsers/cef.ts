import { isIP } from 'node:net';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { portNumber } from './auth-common.js';
import type { LineFormat, MessageParser } from './message-parser.js';
import { transportName } from './netfilter.js';
import { applyFields, type Fields } from './service-fields.js';

/*
 * ArcSight Common Event Format:
 *   CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|src=10.0.0.1 spt=1232 msg=free text with spaces act=blocked
 * Header fields escape `|` and `\` with a backslash; extension values escape `=` and `\` (and `\n`, `\r`), hold spaces,
 * and run up to the space before the next `key=`. Everything is read in single forward passes (no backtracking).
 * The raw fields go under `cef.*` (extension keys under their full names, as Elastic's decode_cef does), and the
 * common ones are mapped to ECS.
 */

/** Fields set beyond the shared `F` set. */
export const CF = {
  version: 'cef.version',
  vendor: 'cef.device.vendor',
  product: 'cef.device.product',
  deviceVersion: 'cef.device.version',
  eventClassId: 'cef.device_event_class_id',
  deviceEventClassId: 'cef.device.event_class_id',
  name: 'cef.name',
  severity: 'cef.severity',
  extensions: 'cef.extensions',
  eventCode: 'event.code',
  observerVendor: 'observer.vendor',
  observerProduct: 'observer.product',
  observerVersion: 'observer.version',
  observerIp: 'observer.ip',
  sourceUserName: 'source.user.name',
  sourceUserId: 'source.user.id',
  destinationUserName: 'destination.user.name',
  destinationUserId: 'destination.user.id',
  sourceMac: 'source.mac',
  destinationMac: 'destination.mac',
  sourceDomain: 'source.domain',
  destinationDomain: 'destination.domain',
  sourceBytes: 'source.bytes',
  destinationBytes: 'destination.bytes',
  fileName: 'file.name',
  fileSize: 'file.size',
} as const;

export const MAX_PAIRS = 256;
export const MAX_KEY = 64;
const MAX_HEADER_FIELD = 1024;

/** CEF short extension keys → the full names of the CEF specification (and Elastic's cef.extensions). */
const FULL_NAMES: Record<string, string> = {
  act: 'deviceAction',
  app: 'applicationProtocol',
  cat: 'deviceEventCategory',
  cnt: 'baseEventCount',
  dhost: 'destinationHostName',
  dlat: 'destinationGeoLatitude',
  dlong: 'destinationGeoLongitude',
  dmac: 'destinationMacAddress',
  dntdom: 'destinationNtDomain',
  dpid: 'destinationProcessId',
  dpriv: 'destinationUserPrivileges',
  dproc: 'destinationProcessName',
  dpt: 'destinationPort',
  dst: 'destinationAddress',
  dtz: 'deviceTimeZone',
  duid: 'destinationUserId',
  duser: 'destinationUserName',
  dvc: 'deviceAddress',
  dvchost: 'deviceHostName',
  dvcmac: 'deviceMacAddress',
  dvcpid: 'deviceProcessId',
  end: 'endTime',
  fname: 'filename',
  fsize: 'fileSize',
  in: 'bytesIn',
  msg: 'message',
  out: 'bytesOut',
  outcome: 'eventOutcome',
  proto: 'transportProtocol',
  request: 'requestUrl',
  rt: 'deviceReceiptTime',
  shost: 'sourceHostName',
  slat: 'sourceGeoLatitude',
  slong: 'sourceGeoLongitude',
  smac: 'sourceMacAddress',
  sntdom: 'sourceNtDomain',
  spid: 'sourceProcessId',
  spriv: 'sourceUserPrivileges',
  sproc: 'sourceProcessName',
  spt: 'sourcePort',
  src: 'sourceAddress',
  start: 'startTime',
  suid: 'sourceUserId',
  suser: 'sourceUserName',
};
for (let i = 1; i <= 6; i++) {
  FULL_NAMES[`cs${i}`] = `deviceCustomString${i}`;
  FULL_NAMES[`cs${i}Label`] = `deviceCustomString${i}Label`;
}
for (let i = 1; i <= 4; i++) {
  FULL_NAMES[`cn${i}`] = `deviceCustomNumber${i}`;
  FULL_NAMES[`cn${i}Label`] = `deviceCustomNumber${i}Label`;
  FULL_NAMES[`cfp${i}`] = `deviceCustomFloatingPoint${i}`;
  FULL_NAMES[`cfp${i}Label`] = `deviceCustomFloatingPoint${i}Label`;
  FULL_NAMES[`c6a${i}`] = `deviceCustomIPv6Address${i}`;
  FULL_NAMES[`c6a${i}Label`] = `deviceCustomIPv6Address${i}Label`;
}

/** An extension key: letters, digits and `_ , [ ] -`, in dot-separated parts (`ad.field[0]`). */
const KEY = /^[A-Za-z0-9_,[\]-]+(?:\.[A-Za-z0-9_,[\]-]+)*$/;

export function isExtensionKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_KEY && key !== '__proto__' && KEY.test(key);
}

export interface CefRecord {
  version: string;
  vendor: string;
  product: string;
  deviceVersion: string;
  eventClassId: string;
  name: string;
  severity: string;
  /** extension pairs in order, values unescaped, keys as written */
  ext: [string, string][];
}

/** Undoes `\=`, `\\`, `\|`, `\n` and `\r` escapes in one pass. */
export function unescapeValue(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\([\s\S])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/**
 * Splits `count` `|`-separated header fields (with `\|` and `\\` escapes) off `text`. Returns the fields and the
 * index after the last `|`, or undefined when there are fewer (or an overlong one).
 */
export function splitHeader(text: string, from: number, count: number): { fields: string[]; end: number } | undefined {
  const fields: string[] = [];
  let cur = '';
  let segStart = from;
  let i = from;
  const limit = Math.min(text.length, from + count * (MAX_HEADER_FIELD + 1));
  while (i < limit && fields.length < count) {
    const c = text[i];
    if (c === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      cur += text.slice(segStart, i) + (text[i + 1] as string);
      i += 2;
      segStart = i;
    } else if (c === '|') {
      cur += text.slice(segStart, i);
      if (cur.length > MAX_HEADER_FIELD) return undefined;
      fields.push(cur);
      cur = '';
      i++;
      segStart = i;
    } else i++;
  }
  return fields.length === count ? { fields, end: i } : undefined;
}

/** The extension's pairs: a value runs until the space before the next unescaped `key=`. One forward pass. */
export function splitExtension(ext: string): [string, string][] {
  const pairs: [string, string][] = [];
  let key: string | undefined;
  let valueStart = 0;
  let tokenStart = 0;
  for (let i = 0; i < ext.length; i++) {
    const c = ext[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === ' ') {
      tokenStart = i + 1;
      continue;
    }
    // a key starts after a space (or at the very start) and is short
    if (c !== '=' || tokenStart < 0 || i - tokenStart > MAX_KEY) continue;
    const candidate = ext.slice(tokenStart, i);
    if (!isExtensionKey(candidate)) continue;
    if (key !== undefined) pairs.push([key, unescapeValue(ext.slice(valueStart, tokenStart - 1))]);
    if (pairs.length >= MAX_PAIRS) return pairs;
    key = candidate;
    valueStart = i + 1;
    tokenStart = -1;
  }
  if (key !== undefined) {
    // trailing white space after the last value is padding (a loop: a `\s+$` pattern is quadratic on long runs)
    let end = ext.length;
    while (end > valueStart && ' \t\r\n'.includes(ext[end - 1] as string)) end--;
    pairs.push([key, unescapeValue(ext.slice(valueStart, end))]);
  }
  return pairs;
}

/** Reads a line (or message) starting with `CEF:`; undefined when it is not CEF. */
export function parseCef(text: string): CefRecord | undefined {
  if (!text.startsWith('CEF:')) return undefined;
  const h = splitHeader(text, 4, 7);
  if (!h) return undefined;
  const [version, vendor, product, deviceVersion, eventClassId, name, severity] = h.fields as [string, string, string, string, string, string, string];
  if (!/^\d{1,2}(?:\.\d{1,2})?$/.test(version.trim())) return undefined;
  return { version: version.trim(), vendor, product, deviceVersion, eventClassId, name, severity, ext: splitExtension(text.slice(h.end)) };
}

const SEVERITY_WORDS: Record<string, number> = { unknown: 0, low: 0, medium: 4, high: 7, 'very-high': 9, veryhigh: 9, 'very high': 9 };

/** CEF severity (0–10, or Low/Medium/High/Very-High) as a number; undefined when it is neither. */
export function severityNumber(s: string): number | undefined {
  const t = s.trim();
  if (/^\d{1,2}$/.test(t)) {
    const n = Number(t);
    return n <= 10 ? n : undefined;
  }
  return SEVERITY_WORDS[t.toLowerCase()];
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
const DEVICE_TIME = /^([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?: (UTC|GMT|Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * A device time as CEF and LEEF write it: epoch milliseconds (or seconds), `MMM dd yyyy HH:mm:ss[.SSS] [zone]`
 * (zone UTC/GMT/±hh:mm; none means UTC) or ISO 8601. Epoch ms, or undefined.
 */
export function deviceTime(s: string): number | undefined {
  const t = s.trim();
  if (t.length > 64) return undefined;
  if (/^\d{13}$/.test(t)) return Number(t);
  if (/^\d{10}$/.test(t)) return Number(t) * 1000;
  const m = DEVICE_TIME.exec(t);
  if (m) {
    const month = MONTHS[(m[1] as string).toLowerCase()];
    if (month === undefined) return undefined;
    const ms = m[7] !== undefined ? Number(m[7].padEnd(3, '0')) : 0;
    let ts = Date.UTC(Number(m[3]), month, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
    const zone = m[8];
    if (zone !== undefined && (zone.startsWith('+') || zone.startsWith('-'))) {
      const digits = zone.replace(':', '');
      const off = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
      ts -= zone.startsWith('+') ? off : -off;
    }
    return Number.isNaN(ts) ? undefined : ts;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/.test(t)) {
    const ts = Date.parse(t);
    return Number.isNaN(ts) ? undefined : ts;
  }
  return undefined;
}

function setIp(f: Fields, field: string, v: string | undefined): void {
  if (v !== undefined && isIP(v.trim()) !== 0) f[field] = v.trim();
}

function setInt(f: Fields, field: string, v: string | undefined): void {
  if (v !== undefined && /^\d{1,15}$/.test(v.trim())) f[field] = Number(v.trim());
}

/** ECS fields from extension values keyed by their full names (shared with LEEF, whose attributes map the same way). */
export function ecsFromExtensions(x: ReadonlyMap<string, string>, f: Fields): void {
  const nonEmpty = (k: string): string | undefined => {
    const v = x.get(k);
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  setIp(f, F.sourceIp, nonEmpty('sourceAddress'));
  setIp(f, F.destinationIp, nonEmpty('destinationAddress'));
  setIp(f, CF.observerIp, nonEmpty('deviceAddress'));
  const sport = portNumber(nonEmpty('sourcePort')?.trim());
  const dport = portNumber(nonEmpty('destinationPort')?.trim());
  if (sport !== undefined) f[F.sourcePort] = sport;
  if (dport !== undefined) f[F.destinationPort] = dport;
  const pairs: [string, string][] = [
    ['sourceUserName', CF.sourceUserName],
    ['sourceUserId', CF.sourceUserId],
    ['destinationUserName', CF.destinationUserName],
    ['destinationUserId', CF.destinationUserId],
    ['deviceAction', F.eventAction],
    ['sourceMacAddress', CF.sourceMac],
    ['destinationMacAddress', CF.destinationMac],
    ['sourceHostName', CF.sourceDomain],
    ['destinationHostName', CF.destinationDomain],
    ['deviceHostName', F.observerHostname],
    ['filePath', F.filePath],
    ['filename', CF.fileName],
    ['requestUrl', F.urlOriginal],
    ['requestMethod', F.httpRequestMethod],
    ['requestClientApplication', F.userAgentOriginal],
  ];
  for (const [k, field] of pairs) {
    const v = nonEmpty(k);
    if (v !== undefined) f[field] = v;
  }
  setInt(f, CF.sourceBytes, nonEmpty('bytesIn'));
  setInt(f, CF.destinationBytes, nonEmpty('bytesOut'));
  setInt(f, CF.fileSize, nonEmpty('fileSize'));
  const proto = nonEmpty('transportProtocol');
  const transport = proto !== undefined ? transportName(proto.trim()) : undefined;
  if (transport !== undefined) f[F.networkTransport] = transport;
  const msg = nonEmpty('message');
  if (msg !== undefined) f[F.message] = msg;
  const rt = nonEmpty('deviceReceiptTime');
  const ts = rt !== undefined ? deviceTime(rt) : undefined;
  if (ts !== undefined) f[F.timestamp] = new Date(ts).toISOString();
}

/** All fields for one CEF record. */
export function cefFields(r: CefRecord): Fields {
  const f: Fields = {
    [CF.version]: Number(r.version),
    [CF.vendor]: r.vendor,
    [CF.product]: r.product,
    [CF.deviceVersion]: r.deviceVersion,
    [CF.eventClassId]: r.eventClassId,
    [CF.deviceEventClassId]: r.eventClassId,
    [CF.name]: r.name,
    [CF.severity]: r.severity,
    [CF.observerVendor]: r.vendor,
    [CF.observerProduct]: r.product,
    [CF.observerVersion]: r.deviceVersion,
    [CF.eventCode]: r.eventClassId,
    [F.message]: r.name,
  };
  const sev = severityNumber(r.severity);
  if (sev !== undefined) f[F.eventSeverity] = sev;
  const full = new Map<string, string>();
  for (const [k, v] of r.ext) {
    const name = FULL_NAMES[k] ?? k;
    full.set(name, v);
    f[`${CF.extensions}.${name}`] = v;
  }
  ecsFromExtensions(full, f);
  return f;
}

/** True when the syslog header took `CEF`/`LEEF` for a program name (`host CEF:0|…` is read as tag `CEF`). */
export function taggedAs(event: EcsEvent, tag: string): boolean {
  const app = getPath(event, F.logSyslogAppname);
  return typeof app === 'string' && app.toUpperCase() === tag;
}

/** CEF after a syslog header, from any program (also `host CEF:0|…`, where the header reads `CEF` as the program). */
export const cefParser: MessageParser = {
  name: 'cef',
  dataset: 'cef',
  programs: ['cef'],
  any: true,
  parse(message, event) {
    let text = message;
    if (!text.startsWith('CEF:')) {
      if (!/^\d{1,2}\|/.test(text) || !taggedAs(event, 'CEF')) return false;
      text = `CEF:${text}`;
    }
    const r = parseCef(text);
    if (!r) return false;
    applyFields(event, cefFields(r));
    return true;
  },
};

/** CEF as a whole line, without a syslog header. */
export const cefFormat: LineFormat = {
  name: 'cef-line',
  dataset: 'cef',
  sniff: (line) => line.startsWith('CEF:'),
  parse(line, event) {
    const r = parseCef(line);
    if (!r) return false;
    applyFields(event, cefFields(r));
    return true;
  },
};
