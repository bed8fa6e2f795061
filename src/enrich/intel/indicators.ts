import { parseCidr, parseIp } from '../../query/cidr.js';

/** One indicator of compromise, in canonical form. */
export interface Indicator {
  type: 'ip' | 'cidr' | 'domain' | 'url' | 'hash';
  /** canonical text: IPs and networks as written canonically, domains lower case, hashes lower-case hex */
  value: string;
  /** md5 | sha1 | sha256 | sha512 for hashes */
  hash?: string;
  /** the feed's description of it (STIX name/description), shortened */
  description?: string;
  /** the STIX indicator id, when it came from a bundle */
  ref?: string;
}

export interface ParseReport {
  indicators: Indicator[];
  /** lines or objects that were not an indicator of a known form */
  invalid: number;
  /** STIX indicators whose pattern is not one of the simple forms, or revoked/expired */
  unsupported: number;
}

const MAX_LINE = 8192;
const MAX_DESCRIPTION = 200;
const HASH_KIND: Readonly<Record<number, string>> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** The canonical text of an address (4 or 16 bytes), as stored keys compare it. */
export function ipKey(text: string): string | undefined {
  const b = parseIp(text.trim());
  return b ? hex(b) : undefined;
}

/** A URL with scheme and host in lower case (the path keeps its case), without a fragment. */
export function canonicalUrl(text: string): string | undefined {
  const t = text.trim();
  if (!/^[a-z][a-z0-9+.-]{0,15}:\/\//i.test(t) || t.length > 4096) return undefined;
  try {
    const u = new URL(t);
    return `${u.protocol}//${u.host}${u.pathname}${u.search}`;
  } catch {
    return undefined;
  }
}

export function canonicalDomain(text: string): string | undefined {
  const d = text.trim().toLowerCase().replace(/\.$/, '');
  return DOMAIN.test(d) ? d : undefined;
}

/** Reads one value of unknown kind: an address, a network, a hash, a URL or a domain (in that order). */
export function classify(raw: string, expect?: Indicator['type']): Indicator | undefined {
  const t = raw.trim();
  if (t === '' || t.length > MAX_LINE) return undefined;
  if ((expect === undefined || expect === 'ip') && parseIp(t)) return { type: 'ip', value: t.toLowerCase() };
  if (expect === undefined || expect === 'cidr') {
    const c = t.includes('/') && !t.includes('://') ? parseCidr(t) : null;
    if (c) return c.prefix === c.bytes.length * 8 ? { type: 'ip', value: t.slice(0, t.indexOf('/')).toLowerCase() } : { type: 'cidr', value: t.toLowerCase() };
  }
  if ((expect === undefined || expect === 'hash') && /^[0-9a-fA-F]+$/.test(t) && HASH_KIND[t.length] !== undefined) return { type: 'hash', value: t.toLowerCase(), hash: HASH_KIND[t.length] as string };
  if (expect === undefined || expect === 'url') {
    const u = canonicalUrl(t);
    if (u !== undefined) return { type: 'url', value: u };
  }
  if (expect === undefined || expect === 'domain') {
    const d = canonicalDomain(t);
    if (d !== undefined) return { type: 'domain', value: d };
  }
  return undefined;
}

/** Plain text: one indicator a line; empty lines and `#` comments skipped; anything after whitespace ignored. */
export function parsePlain(text: string): ParseReport {
  const out: ParseReport = { indicators: [], invalid: 0, unsupported: 0 };
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) continue;
    const first = t.split(/\s/, 1)[0] ?? '';
    const i = classify(first);
    if (i) out.indicators.push(i);
    else out.invalid++;
  }
  return out;
}

/** Splits one CSV line (RFC 4180 quoting; a quoted field may not span lines here). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"' && cur === '') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** CSV with the indicator in `column` (a header name: the first line is the header; an index: no header needed). */
export function parseCsv(text: string, column: string | number): ParseReport {
  const out: ParseReport = { indicators: [], invalid: 0, unsupported: 0 };
  let index = typeof column === 'number' ? column : -1;
  let headerSeen = typeof column === 'number';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (line.length > MAX_LINE) {
      out.invalid++;
      continue;
    }
    const fields = csvFields(line);
    if (!headerSeen) {
      headerSeen = true;
      index = fields.findIndex((f) => f.trim().toLowerCase() === String(column).toLowerCase());
      if (index < 0) throw new Error(`CSV has no column ${String(column)} (header: ${fields.slice(0, 20).join(', ')})`);
      continue;
    }
    const v = fields[index];
    const i = v === undefined ? undefined : classify(v);
    if (i) out.indicators.push(i);
    else if (typeof column !== 'number' || out.indicators.length > 0 || out.invalid > 0) out.invalid++;
    // a header line above index-addressed data is not counted as invalid
    else out.invalid = 0;
  }
  return out;
}

const STIX_OBJECT: Readonly<Record<string, Indicator['type']>> = { 'ipv4-addr': 'ip', 'ipv6-addr': 'ip', 'domain-name': 'domain', url: 'url', file: 'hash' };
const COMPARISON = /([a-z0-9-]+):(value|hashes\.(?:'[^']{1,20}'|[A-Za-z0-9-]{1,20}))\s*=\s*'((?:[^'\\]|\\.){1,4096})'/g;

/**
 * STIX 2.1 indicator patterns of the simple forms: `[ipv4-addr:value = '…']`, ipv6-addr, `[domain-name:value = '…']`,
 * `[url:value = '…']`, `[file:hashes.'SHA-256' = '…']` (also MD5, SHA-1, SHA-512), alone or joined by OR. Anything
 * else (AND, other operators, other objects) is unsupported.
 */
export function parseStixPattern(pattern: string): Indicator[] | undefined {
  const p = pattern.trim();
  if (p.length > 65_536 || /\bAND\b|\bFOLLOWEDBY\b|\bWITHIN\b|\bREPEATS\b|!=|\bMATCHES\b|\bLIKE\b|\bIN\b|\bISSUBSET\b|\bISSUPERSET\b|[<>]/.test(p)) return undefined;
  const out: Indicator[] = [];
  let rest = p;
  for (const m of p.matchAll(COMPARISON)) {
    const obj = m[1] ?? '';
    const path = m[2] ?? '';
    const value = (m[3] ?? '').replace(/\\(.)/g, '$1');
    const type = STIX_OBJECT[obj];
    if (type === undefined) return undefined;
    if ((type === 'hash') !== path.startsWith('hashes.')) return undefined;
    const i = type === 'ip' ? (classify(value, 'ip') ?? classify(value, 'cidr')) : classify(value, type);
    if (!i) return undefined;
    out.push(i);
    rest = rest.replace(m[0], '');
  }
  // what is left may only be brackets, OR and spaces
  if (out.length === 0 || !/^[\s[\]()]*(?:OR[\s[\]()]*)*$/.test(rest)) return undefined;
  return out;
}

/** A STIX 2.1 bundle (or a bare list of objects): its indicator objects' patterns; revoked and expired ones skipped. */
export function parseStix(text: string, now = Date.now()): ParseReport {
  const out: ParseReport = { indicators: [], invalid: 0, unsupported: 0 };
  const doc: unknown = JSON.parse(text);
  const objects: unknown = Array.isArray(doc) ? doc : typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['objects'] : undefined;
  if (!Array.isArray(objects)) throw new Error('not a STIX bundle: no objects list');
  for (const o of objects as unknown[]) {
    if (typeof o !== 'object' || o === null) {
      out.invalid++;
      continue;
    }
    const r = o as Record<string, unknown>;
    if (r['type'] !== 'indicator') continue;
    const pattern = r['pattern'];
    const patternType = r['pattern_type'] ?? 'stix';
    const until = typeof r['valid_until'] === 'string' ? Date.parse(r['valid_until']) : NaN;
    if (typeof pattern !== 'string' || patternType !== 'stix' || r['revoked'] === true || (Number.isFinite(until) && until < now)) {
      out.unsupported++;
      continue;
    }
    const found = parseStixPattern(pattern);
    if (!found) {
      out.unsupported++;
      continue;
    }
    const text = [r['name'], r['description']].filter((x): x is string => typeof x === 'string' && x !== '').join(': ');
    for (const i of found) {
      if (text !== '') i.description = text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION)}…` : text;
      if (typeof r['id'] === 'string') i.ref = r['id'].slice(0, 128);
      out.indicators.push(i);
    }
  }
  return out;
}

/** Parses a feed's text in the given format (`auto`: JSON is STIX, a `.csv` name is CSV, anything else plain). */
export function parseFeed(text: string, format: 'auto' | 'plain' | 'csv' | 'stix', column: string | number, name = ''): ParseReport {
  const f = format !== 'auto' ? format : /^\s*[[{]/.test(text) ? 'stix' : /\.csv(\?|$)/i.test(name) ? 'csv' : 'plain';
  if (f === 'stix') return parseStix(text);
  if (f === 'csv') return parseCsv(text, column);
  return parsePlain(text);
}
