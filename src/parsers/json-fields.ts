import { isIP } from 'node:net';
import { expandDottedKeys, isObject, parseTime, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { cleanHost } from './service-fields.js';

/** ECS fields set by the JSON parsers (Suricata, Zeek, CloudTrail, generic JSON) beyond the shared `F` set. */
export const J = {
  sourceBytes: 'source.bytes',
  sourcePackets: 'source.packets',
  sourceAddress: 'source.address',
  destinationBytes: 'destination.bytes',
  destinationPackets: 'destination.packets',
  destinationDomain: 'destination.domain',
  networkCommunityId: 'network.community_id',
  networkProtocol: 'network.protocol',
  eventDuration: 'event.duration',
  eventStart: 'event.start',
  eventEnd: 'event.end',
  eventProvider: 'event.provider',
  eventId: 'event.id',
  eventCode: 'event.code',
  ruleCategory: 'rule.category',
  dnsQuestionName: 'dns.question.name',
  dnsQuestionType: 'dns.question.type',
  dnsQuestionClass: 'dns.question.class',
  dnsResponseCode: 'dns.response_code',
  dnsId: 'dns.id',
  dnsType: 'dns.type',
  dnsResolvedIp: 'dns.resolved_ip',
  httpRequestBodyBytes: 'http.request.body.bytes',
  httpResponseMimeType: 'http.response.mime_type',
  tlsClientServerName: 'tls.client.server_name',
  tlsVersion: 'tls.version',
  tlsVersionProtocol: 'tls.version_protocol',
  tlsCipher: 'tls.cipher',
  tlsEstablished: 'tls.established',
  tlsResumed: 'tls.resumed',
  tlsServerSubject: 'tls.server.subject',
  tlsServerIssuer: 'tls.server.issuer',
  tlsServerHashSha1: 'tls.server.hash.sha1',
  sshClientSoftware: 'ssh.client.software',
  sshClientProtoVersion: 'ssh.client.proto_version',
  sshServerSoftware: 'ssh.server.software',
  sshServerProtoVersion: 'ssh.server.proto_version',
  fileName: 'file.name',
  fileSize: 'file.size',
  fileHashMd5: 'file.hash.md5',
  fileHashSha1: 'file.hash.sha1',
  fileHashSha256: 'file.hash.sha256',
  observerIngressInterface: 'observer.ingress.interface.name',
  cloudProvider: 'cloud.provider',
  cloudRegion: 'cloud.region',
  cloudAccountId: 'cloud.account.id',
  userId: 'user.id',
  errorCode: 'error.code',
} as const;

export type Json = Record<string, unknown>;

/** Sets `path` when `value` is defined. */
export function put(event: EcsEvent, path: string, value: unknown): void {
  if (value !== undefined) setPath(event, path, value);
}

/** A non-empty string value (bounded), else undefined. */
export function str(v: unknown, max = 8192): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined;
}

/** A finite non-negative integer (a number, or decimal text), else undefined. */
export function count(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A port 0–65535, else undefined. */
export function port(v: unknown): number | undefined {
  const n = count(v);
  return n !== undefined && n <= 65535 ? n : undefined;
}

/** An IP address (brackets and IPv4-mapped prefixes removed), else undefined. */
export function ip(v: unknown): string | undefined {
  const s = str(v, 64);
  if (s === undefined) return undefined;
  const h = cleanHost(s);
  return isIP(h) !== 0 ? h : undefined;
}

/** The member `key` of `o` when `o` is an object and `key` its own property. */
export function child(o: unknown, key: string): unknown {
  return isObject(o) && Object.hasOwn(o, key) ? o[key] : undefined;
}

/** ISO text of a time value (ISO string or epoch seconds/milliseconds), else undefined. */
export function isoTime(v: unknown): string | undefined {
  const ms = parseTime(v);
  if (ms === undefined) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Sets @timestamp from the first parseable value; true when one was. */
export function setTimestamp(event: EcsEvent, ...values: unknown[]): boolean {
  for (const v of values) {
    const iso = isoTime(v);
    if (iso !== undefined) {
      event[F.timestamp] = iso;
      return true;
    }
  }
  return false;
}

/** source.bytes/destination.bytes (and packets) with their sum in network.bytes/packets. */
export function setTraffic(event: EcsEvent, srcBytes: unknown, dstBytes: unknown, srcPkts: unknown, dstPkts: unknown): void {
  const sb = count(srcBytes);
  const db = count(dstBytes);
  const sp = count(srcPkts);
  const dp = count(dstPkts);
  put(event, J.sourceBytes, sb);
  put(event, J.destinationBytes, db);
  put(event, J.sourcePackets, sp);
  put(event, J.destinationPackets, dp);
  if (sb !== undefined || db !== undefined) setPath(event, F.networkBytes, (sb ?? 0) + (db ?? 0));
  if (sp !== undefined || dp !== undefined) setPath(event, F.networkPackets, (sp ?? 0) + (dp ?? 0));
}

/** Writes `key` as an own data property: `__proto__` stays data and never replaces a prototype. */
export function putOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Deep merge of `src` into `target`, own properties only (an inherited `constructor` is never written into). */
export function mergeOwn(target: Record<string, unknown>, src: Record<string, unknown>, depth = 0): void {
  for (const [k, v] of Object.entries(src)) {
    const existing = Object.hasOwn(target, k) ? target[k] : undefined;
    if (depth < 32 && isObject(existing) && isObject(v)) mergeOwn(existing, v, depth + 1);
    else putOwn(target, k, v);
  }
}

/** Greatest nesting depth allowed in a JSON line; deeper lines are not recognised (kept raw as failures). */
export const MAX_JSON_DEPTH = 64;

/**
 * Parses one line as a JSON object. Undefined when the line is not JSON, not an object, or nested deeper than
 * MAX_JSON_DEPTH (checked by a linear scan before parsing, so later recursive steps stay shallow).
 */
export function parseJsonObject(line: string): Json | undefined {
  if (!withinDepth(line, MAX_JSON_DEPTH)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  return isObject(v) ? v : undefined;
}

/** True when brackets outside strings never nest deeper than `max`. One pass, no recursion. */
export function withinDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return false;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return true;
}

/** `TLS 1.2`, `TLSv12`, `TLSv1.3`, `SSLv3` → { protocol: 'tls'|'ssl', version: '1.2' | '3.0' }. */
export function tlsVersion(v: unknown): { protocol: string; version: string } | undefined {
  const s = str(v, 32);
  if (s === undefined) return undefined;
  const m = /^(TLS|SSL|DTLS)\s*v?\s*(\d)(?:\.?(\d))?$/i.exec(s);
  if (!m) return undefined;
  return { protocol: (m[1] as string).toLowerCase(), version: `${m[2] as string}.${m[3] ?? '0'}` };
}

/** The IP addresses in a list of DNS answers (strings, or objects with `rdata`). */
export function resolvedIps(answers: unknown): string[] | undefined {
  if (!Array.isArray(answers)) return undefined;
  const out: string[] = [];
  for (const a of answers.slice(0, 64)) {
    const addr = ip(typeof a === 'string' ? a : child(a, 'rdata'));
    if (addr !== undefined && !out.includes(addr)) out.push(addr);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * Memo of the last parsed line that no format has taken yet: when several formats are tried on one line (by sniff,
 * then `json`) it is parsed once. A format that recognises the line stores parts of the object in its event, so it
 * calls releaseJsonLine() and the next line, even an identical one, is parsed afresh.
 */
let memo: { line: string; obj: Json | undefined } = { line: '', obj: undefined };

/** parseJsonObject with a one-line memo. Mappers must not modify the object unless they recognise it. */
export function parseJsonLine(line: string): Json | undefined {
  if (memo.line !== line || line === '') memo = { line, obj: parseJsonObject(line) };
  return memo.obj;
}

export function releaseJsonLine(): void {
  memo = { line: '', obj: undefined };
}

/** Most segments a dotted key may have to be nested; longer keys (`a.a.a…`) keep their dots as `_`. */
export const MAX_KEY_SEGMENTS = 16;

function longDottedKey(k: string): boolean {
  if (k.length <= MAX_KEY_SEGMENTS) return false;
  let dots = 0;
  for (let i = 0; i < k.length; i++) if (k.charCodeAt(i) === 0x2e && ++dots >= MAX_KEY_SEGMENTS) return true;
  return false;
}

function hasLongDottedKey(obj: Json, depth = 0): boolean {
  for (const [k, v] of Object.entries(obj)) {
    if (longDottedKey(k)) return true;
    if (isObject(v) && depth < MAX_JSON_DEPTH && hasLongDottedKey(v, depth + 1)) return true;
  }
  return false;
}

/** A copy of `obj` whose over-long dotted keys are flattened, so expansion cannot build a deep object. */
function tameKeys(obj: Json, depth = 0): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = longDottedKey(k) ? k.replaceAll('.', '_') : k;
    putOwn(out, key, isObject(v) && depth < MAX_JSON_DEPTH ? tameKeys(v, depth + 1) : v);
  }
  return out;
}

/** expandDottedKeys (dotted keys nested, `__proto__` kept as data) for objects parsed from a line. */
export function expandJson(obj: Json): Json {
  return expandDottedKeys(hasLongDottedKey(obj) ? tameKeys(obj) : obj);
}
