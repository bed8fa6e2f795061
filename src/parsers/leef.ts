import { F } from '../schema/fields.js';
import { CF, deviceTime, ecsFromExtensions, isExtensionKey, MAX_PAIRS, splitExtension, splitHeader, taggedAs, unescapeValue } from './cef.js';
import type { LineFormat, MessageParser } from './message-parser.js';
import { applyFields, type Fields } from './service-fields.js';

/*
 * IBM QRadar Log Event Extended Format:
 *   LEEF:1.0|Vendor|Product|Version|EventID|key=value<TAB>key=value…
 *   LEEF:2.0|Vendor|Product|Version|EventID|^|key=value^key=value…   (the 6th field names the delimiter: a character
 *                                                                     or its hex code, `x09`/`0x5E`; empty means tab)
 * LEEF 1.0 senders do not always use tabs: PAN-OS separates attributes with `|`, and rsyslog forwards a tab as `#011`.
 * Those are tried in turn; with none of them the attributes are read like a CEF extension (space-separated, values
 * running up to the next `key=`). Attributes are kept under `leef.attributes.*`; the common ones are mapped to ECS
 * as for CEF.
 */

export const LF = {
  version: 'leef.version',
  vendor: 'leef.vendor',
  product: 'leef.product',
  productVersion: 'leef.product_version',
  eventId: 'leef.event_id',
  attributes: 'leef.attributes',
  sourceUserName: 'source.user.name',
} as const;

/** LEEF's predefined attribute names → the CEF full names `ecsFromExtensions` reads. */
const AS_CEF: Record<string, string> = {
  src: 'sourceAddress',
  dst: 'destinationAddress',
  srcPort: 'sourcePort',
  dstPort: 'destinationPort',
  usrName: 'sourceUserName',
  proto: 'transportProtocol',
  srcMAC: 'sourceMacAddress',
  dstMAC: 'destinationMacAddress',
  srcBytes: 'bytesIn',
  dstBytes: 'bytesOut',
  identHostName: 'sourceHostName',
  url: 'requestUrl',
  action: 'deviceAction',
};

export interface LeefRecord {
  version: string;
  vendor: string;
  product: string;
  productVersion: string;
  eventId: string;
  delimiter: string;
  attrs: [string, string][];
}

/** The delimiter named by a LEEF 2.0 header field: `^`, `x09`, `0x7C`; empty means tab. */
export function delimiterOf(field: string): string | undefined {
  if (field === '') return '\t';
  if (field.length === 1) return field;
  const hex = /^(?:0?[xX])([0-9a-fA-F]{1,4})$/.exec(field);
  if (hex) return String.fromCharCode(parseInt(hex[1] as string, 16));
  return undefined;
}

function splitBy(attrs: string, delimiter: string): [string, string][] {
  const out: [string, string][] = [];
  let pos = 0;
  while (pos <= attrs.length && out.length < MAX_PAIRS) {
    let end = attrs.indexOf(delimiter, pos);
    if (end === -1) end = attrs.length;
    const piece = attrs.slice(pos, end);
    const eq = piece.indexOf('=');
    if (eq > 0) {
      const key = piece.slice(0, eq).trim();
      if (isExtensionKey(key)) out.push([key, unescapeValue(piece.slice(eq + 1))]);
    }
    pos = end + delimiter.length;
  }
  return out;
}

/** Reads a line (or message) starting with `LEEF:`; undefined when it is not LEEF. */
export function parseLeef(text: string): LeefRecord | undefined {
  if (!text.startsWith('LEEF:')) return undefined;
  const h = splitHeader(text, 5, 5);
  if (!h) return undefined;
  const [version, vendor, product, productVersion, eventId] = h.fields as [string, string, string, string, string];
  if (!/^[12]\.0$/.test(version.trim())) return undefined;
  let rest = text.slice(h.end);
  let delimiter: string | undefined;
  if (version.trim() === '2.0') {
    const bar = rest.indexOf('|');
    if (bar !== -1 && bar <= 6 && !rest.slice(0, bar).includes('=')) {
      delimiter = delimiterOf(rest.slice(0, bar));
      if (delimiter !== undefined) rest = rest.slice(bar + 1);
    }
  }
  if (delimiter === undefined) {
    if (rest.includes('\t')) delimiter = '\t';
    else if (rest.includes('#011')) delimiter = '#011';
    else if (rest.includes('|')) delimiter = '|';
    else if (rest.includes('^')) delimiter = '^';
  }
  const attrs = delimiter === undefined ? splitExtension(rest) : splitBy(rest, delimiter);
  return { version: version.trim(), vendor, product, productVersion, eventId, delimiter: delimiter ?? ' ', attrs };
}

export function leefFields(r: LeefRecord): Fields {
  const f: Fields = {
    [LF.version]: r.version,
    [LF.vendor]: r.vendor,
    [LF.product]: r.product,
    [LF.productVersion]: r.productVersion,
    [LF.eventId]: r.eventId,
    [CF.observerVendor]: r.vendor,
    [CF.observerProduct]: r.product,
    [CF.observerVersion]: r.productVersion,
    [CF.eventCode]: r.eventId,
  };
  const asCef = new Map<string, string>();
  const attrs = new Map<string, string>();
  for (const [k, v] of r.attrs) {
    attrs.set(k, v);
    asCef.set(AS_CEF[k] ?? k, v);
    f[`${LF.attributes}.${k}`] = v;
  }
  ecsFromExtensions(asCef, f);
  const user = f[LF.sourceUserName];
  if (typeof user === 'string') f[F.userName] = user;
  const devTime = attrs.get('devTime');
  const ts = devTime !== undefined ? deviceTime(devTime) : undefined;
  if (ts !== undefined) f[F.timestamp] = new Date(ts).toISOString();
  const sev = attrs.get('sev');
  if (sev !== undefined && /^(?:10|[0-9])$/.test(sev.trim())) f[F.eventSeverity] = Number(sev.trim());
  const total = attrs.get('totalBytes');
  if (total !== undefined && /^\d{1,15}$/.test(total)) f[F.networkBytes] = Number(total);
  const packets = attrs.get('totalPackets');
  if (packets !== undefined && /^\d{1,15}$/.test(packets)) f[F.networkPackets] = Number(packets);
  return f;
}

/** LEEF after a syslog header, from any program (also `host LEEF:1.0|…`, read by the header as program `LEEF`). */
export const leefParser: MessageParser = {
  name: 'leef',
  dataset: 'leef',
  programs: ['leef'],
  any: true,
  parse(message, event) {
    let text = message;
    if (!text.startsWith('LEEF:')) {
      if (!/^[12]\.0\|/.test(text) || !taggedAs(event, 'LEEF')) return false;
      text = `LEEF:${text}`;
    }
    const r = parseLeef(text);
    if (!r) return false;
    applyFields(event, leefFields(r));
    return true;
  },
};

/** LEEF as a whole line, without a syslog header. */
export const leefFormat: LineFormat = {
  name: 'leef-line',
  dataset: 'leef',
  sniff: (line) => line.startsWith('LEEF:'),
  parse(line, event) {
    const r = parseLeef(line);
    if (!r) return false;
    applyFields(event, leefFields(r));
    return true;
  },
};
