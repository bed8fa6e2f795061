import type { Parser, RawRecord } from '../core/component.js';
import { findFormat } from '../parsers/registry.js';
import { isObject, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';

/**
 * Splunk HTTP Event Collector bodies: one or more JSON objects, concatenated (whitespace between them optional),
 * each an envelope `{"event": string|object, "time", "host", "source", "sourcetype", "index", "fields"}`.
 * String events are log lines and go through the line parser (so a syslog or sshd line is parsed as if it had
 * arrived over syslog); object events are stored as structured events. Envelope metadata is kept: time → @timestamp,
 * host → host.name, source / sourcetype / index → labels.*, fields (HEC indexed fields) → labels.*.
 */

/** The HEC answer codes (text as Splunk words it). */
export const HEC = {
  success: { code: 0, text: 'Success', status: 200 },
  tokenRequired: { code: 2, text: 'Token is required', status: 401 },
  invalidAuthorization: { code: 3, text: 'Invalid authorization', status: 401 },
  invalidToken: { code: 4, text: 'Invalid token', status: 403 },
  noData: { code: 5, text: 'No data', status: 400 },
  invalidDataFormat: { code: 6, text: 'Invalid data format', status: 400 },
  incorrectIndex: { code: 7, text: 'Incorrect index', status: 400 },
  internalError: { code: 8, text: 'Internal server error', status: 500 },
  busy: { code: 9, text: 'Server is busy', status: 503 },
  eventRequired: { code: 12, text: 'Event field is required', status: 400 },
  eventBlank: { code: 13, text: 'Event field cannot be blank', status: 400 },
  ackDisabled: { code: 14, text: 'ACK is disabled', status: 400 },
  queryAuthDisabled: { code: 16, text: 'Query string authorization is not enabled', status: 400 },
  healthy: { code: 17, text: 'HEC is healthy', status: 200 },
  unhealthy: { code: 18, text: 'HEC is unhealthy, queues are full', status: 503 },
} as const;

export type HecAnswer = (typeof HEC)[keyof typeof HEC];

/** Metadata that applies to an event: from its envelope, or for /raw from the query string. */
export interface HecMeta {
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  fields?: Record<string, unknown>;
}

export interface HecItem {
  meta: HecMeta;
  /** a log line (string event) or a structured event */
  event: string | EcsEvent;
}

export type HecParse = { items: HecItem[]; error?: { answer: HecAnswer; eventNumber: number } };

const INDEX_NAME = /^[a-z0-9][a-z0-9_-]{0,79}$/;
const MAX_FIELDS = 100;
const MAX_META = 1024;

/** The end (exclusive) of the JSON object starting at `start` (a `{`), or -1 if the text ends first. Linear. */
function objectEnd(body: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.slice(0, MAX_META);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** HEC's `time`: epoch seconds, a number or a numeric string, with an optional fraction (milliseconds tolerated). */
function timeOf(v: unknown): number | undefined | 'bad' {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,16}(\.\d{1,9})?$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0) return 'bad';
  // as parseTime reads times: 13 digits are milliseconds (a common sender mistake), fewer are seconds
  const ms = n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  // beyond ±8.64e15 ms a Date cannot be formatted: such a time is not a time
  return ms < 8.64e15 ? ms : 'bad';
}

/** Checks the query-string or envelope metadata; the failing answer, if any. */
export function metaOf(o: Record<string, unknown>): HecMeta | HecAnswer {
  const meta: HecMeta = {};
  const t = timeOf(o['time']);
  if (t === 'bad') return HEC.invalidDataFormat;
  if (t !== undefined) meta.time = t;
  for (const k of ['host', 'source', 'sourcetype'] as const) {
    const v = str(o[k]);
    if (v !== undefined) meta[k] = v;
  }
  const index = o['index'];
  if (index !== undefined && index !== null && index !== '') {
    if (typeof index !== 'string' || !INDEX_NAME.test(index)) return HEC.incorrectIndex;
    meta.index = index;
  }
  const fields = o['fields'];
  if (fields !== undefined) {
    if (!isObject(fields)) return HEC.invalidDataFormat;
    meta.fields = fields;
  }
  return meta;
}

/** Reads concatenated envelopes. Stops at the first bad one: those before it are returned (Splunk indexes them). */
export function parseHecEvents(body: string): HecParse {
  const items: HecItem[] = [];
  let pos = 0;
  for (;;) {
    while (pos < body.length && isSpace(body.charCodeAt(pos))) pos++;
    if (pos >= body.length) break;
    const fail = (answer: HecAnswer): HecParse => ({ items, error: { answer, eventNumber: items.length } });
    if (body.charCodeAt(pos) !== 0x7b) return fail(HEC.invalidDataFormat);
    const end = objectEnd(body, pos);
    if (end < 0) return fail(HEC.invalidDataFormat);
    let o: unknown;
    try {
      o = JSON.parse(body.slice(pos, end));
    } catch {
      return fail(HEC.invalidDataFormat);
    }
    pos = end;
    if (!isObject(o)) return fail(HEC.invalidDataFormat);
    if (!Object.hasOwn(o, 'event')) return fail(HEC.eventRequired);
    const ev = o['event'];
    if (ev === null || ev === '' || (typeof ev === 'string' && ev.trim() === '')) return fail(HEC.eventBlank);
    const meta = metaOf(o);
    if ('code' in meta) return fail(meta);
    items.push({ meta, event: isObject(ev) ? ev : typeof ev === 'string' ? ev : JSON.stringify(ev) });
  }
  if (items.length === 0) return { items, error: { answer: HEC.noData, eventNumber: 0 } };
  return { items };
}

function labelKey(k: string): string {
  return k.replace(/[.\s]/g, '_').slice(0, 128);
}

/** One HEC item as an ECS event: string events through `parser`, metadata applied over what was parsed. */
export function toEcs(item: HecItem, parser: Parser, base: Omit<RawRecord, 'message'>): { doc: EcsEvent; parsed: boolean } {
  let doc: EcsEvent;
  const parsed = typeof item.event === 'string';
  if (typeof item.event === 'string') {
    const format = item.meta.sourcetype !== undefined && findFormat(item.meta.sourcetype) ? item.meta.sourcetype : base.format;
    doc = parser.parse({ ...base, message: item.event, ...(format !== undefined ? { format } : {}) });
  } else {
    doc = item.event;
    if (base.peer) setPath(doc, F.logSourceAddress, `${base.peer.address}:${base.peer.port}`);
  }
  const m = item.meta;
  if (m.time !== undefined) doc[F.timestamp] = new Date(m.time).toISOString();
  if (m.host !== undefined) setPath(doc, F.hostName, m.host);
  if (m.source !== undefined) setPath(doc, 'labels.source', m.source);
  if (m.sourcetype !== undefined) setPath(doc, 'labels.sourcetype', m.sourcetype);
  if (m.index !== undefined) setPath(doc, 'labels.index', m.index);
  if (m.fields) {
    let n = 0;
    for (const [k, v] of Object.entries(m.fields)) {
      if (n++ >= MAX_FIELDS) break;
      const val = Array.isArray(v) ? v.filter((x) => typeof x !== 'object').slice(0, 100) : typeof v === 'object' ? JSON.stringify(v) : v;
      setPath(doc, `labels.${labelKey(k)}`, val);
    }
  }
  return { doc, parsed };
}
