import { z } from 'zod';
import { F, PARSE_FAILURE_TAG } from './fields.js';

/** An ECS document: nested JSON. Always has @timestamp, event.kind, event.dataset and event.ingested once normalized. */
export type EcsEvent = Record<string, unknown>;

/** What a client may send: any JSON object; @timestamp, when given, must be a parseable time. */
export const IncomingEventSchema = z
  .record(z.string(), z.unknown())
  .refine((o) => !Array.isArray(o), { message: 'an event must be a JSON object' });

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Documents come from clients, so keys are read and written as own properties only: a key such as `__proto__`
 * is kept as data and never reaches an object's prototype.
 */
function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function put(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/** Deep merge: both forms of one object ({"a.b": {...}} and {"a": {"b": {...}}}) keep all their members. */
function merge(target: Record<string, unknown>, src: Record<string, unknown>, depth = 0): void {
  for (const [k, v] of Object.entries(src)) {
    const existing = own(target, k);
    if (depth < 32 && isObject(existing) && isObject(v)) merge(existing, v, depth + 1);
    else put(target, k, v);
  }
}

/** Reads a dotted ECS path from a nested document (also accepts a literal dotted key). */
/** Reads a path already split into its segments (for hot paths that read the same fields of every event). */
/**
 * `o[key]` when `o` holds the property itself, else undefined: one property read, and the own-property check only
 * for what an event object also inherits (Object.prototype's methods, and `__proto__`).
 */
function ownValue(o: Record<string, unknown>, key: string): unknown {
  const v = o[key];
  if ((typeof v === 'function' || key === '__proto__') && !Object.hasOwn(o, key)) return undefined;
  return v;
}

export function getPathParts(doc: EcsEvent, parts: readonly string[]): unknown {
  let cur: unknown = doc;
  for (const key of parts) {
    if (!isObject(cur)) return undefined;
    cur = ownValue(cur, key);
  }
  return cur;
}

export function getPath(doc: EcsEvent, path: string): unknown {
  // a flattened key (`"source.ip": …`) first
  const flat = ownValue(doc, path);
  if (flat !== undefined) return flat;
  // the segments are split once per path (the same few field names are read from every event)
  const { parts } = splitPath(path);
  let cur: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    if (!isObject(cur)) return undefined;
    cur = ownValue(cur, parts[i] as string);
  }
  return cur;
}

/** Sets a dotted ECS path, creating nested objects. An existing scalar in the way is replaced. */
interface SplitPath {
  parts: readonly string[];
  /** no segment is __proto__: plain property access cannot reach a prototype */
  plain: boolean;
}

const SPLIT_CACHE = new Map<string, SplitPath>();

/** Field paths come from a small set of constants: split each once (bounded, in case paths come from input). */
function splitPath(path: string): SplitPath {
  let sp = SPLIT_CACHE.get(path);
  if (!sp) {
    if (SPLIT_CACHE.size >= 4096) SPLIT_CACHE.clear();
    const parts = path.split('.');
    sp = { parts, plain: !parts.includes('__proto__') };
    SPLIT_CACHE.set(path, sp);
  }
  return sp;
}

export function setPath(doc: EcsEvent, path: string, value: unknown): void {
  const { parts, plain } = splitPath(path);
  let cur: Record<string, unknown> = doc;
  const last = parts.length - 1;
  if (plain) {
    // the common case (no __proto__ segment), without the per-segment checks below
    for (let i = 0; i < last; i++) {
      const key = parts[i] as string;
      const next = cur[key];
      if (isObject(next) && Object.hasOwn(cur, key)) cur = next;
      else {
        const created: Record<string, unknown> = {};
        cur[key] = created;
        cur = created;
      }
    }
    cur[parts[last] as string] = value;
    return;
  }
  for (let i = 0; i < last; i++) {
    const key = parts[i] as string;
    const next = plain ? cur[key] : own(cur, key);
    // an inherited value (e.g. "constructor") is never an own plain object, so it is replaced, not written into
    if (isObject(next) && (plain ? Object.hasOwn(cur, key) : true)) cur = next;
    else {
      const created: Record<string, unknown> = {};
      put(cur, key, created);
      cur = created;
    }
  }
  if (plain) cur[parts[last] as string] = value;
  else put(cur, parts[last] as string, value);
}

/** Turns literal dotted keys ({"source.ip": x}) into nested objects, recursively. Depth-bounded. */
export function expandDottedKeys(doc: EcsEvent, depth = 0): EcsEvent {
  if (depth > 32) return doc;
  const out: EcsEvent = {};
  for (const [key, value] of Object.entries(doc)) {
    const v = isObject(value) ? expandDottedKeys(value, depth + 1) : value;
    if (key.includes('.') && key !== '.' && !key.startsWith('.') && !key.endsWith('.')) {
      const existing = getPath(out, key);
      if (isObject(existing) && isObject(v)) merge(existing, v);
      else setPath(out, key, v);
    } else {
      const existing = own(out, key);
      if (isObject(existing) && isObject(v)) merge(existing, v);
      else put(out, key, v);
    }
  }
  return out;
}

/** Milliseconds since the epoch of an ISO string or epoch number; undefined when not a time. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Seconds look like 10 digits, milliseconds like 13.
    return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Completes an event for storage: nested keys, @timestamp (kept when valid, otherwise the ingest time
 * with an error noted), event.ingested, event.kind and event.dataset defaults.
 */
const CANONICAL_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
let isoMemo = { ms: NaN, iso: '' };

/** ISO text of an instant; the ingest time repeats for a whole batch, so the last one is remembered. */
function isoOf(ms: number): string {
  if (isoMemo.ms !== ms) isoMemo = { ms, iso: new Date(ms).toISOString() };
  return isoMemo.iso;
}

/** The last canonical @timestamp text read and its instant (lines of a log often share their second). */
let parsedMemo: { text: string; ms: number } | undefined;

/**
 * A parser that wrote @timestamp as `new Date(ms).toISOString()` passes the instant on, so normalizeEvent need not
 * parse the text back.
 */
export function noteCanonicalTime(text: string, ms: number): void {
  if (text.length === 24 && Number.isInteger(ms) && (parsedMemo === undefined || parsedMemo.text !== text)) parsedMemo = { text, ms };
}

/**
 * The instant of an event's @timestamp in milliseconds (NaN when it has none that parses): `Date.parse` of it, except
 * that the text last parsed or noted (normalizeEvent, noteCanonicalTime) is answered from memory.
 */
export function eventTime(event: EcsEvent): number {
  const given = event[F.timestamp];
  if (parsedMemo !== undefined && given === parsedMemo.text) return parsedMemo.ms;
  return Date.parse(String(given));
}

export interface NormalizeOptions {
  /** false for events a parser built with setPath (already nested): skips the copy that expands dotted keys */
  expand?: boolean;
}

export function normalizeEvent(raw: EcsEvent, now: number, defaultDataset: string, opts: NormalizeOptions = {}): { event: EcsEvent; ts: number } {
  const event = opts.expand === false ? raw : expandDottedKeys(raw);
  const given = event[F.timestamp];
  if (parsedMemo !== undefined && given === parsedMemo.text) return finish(event, parsedMemo.ms, now, defaultDataset);
  if (typeof given === 'string' && CANONICAL_TIME.test(given)) {
    // already in the stored form (parsers write it so): keep the text
    const ts = Date.parse(given);
    if (!Number.isNaN(ts)) {
      parsedMemo = { text: given, ms: ts };
      return finish(event, ts, now, defaultDataset);
    }
  }
  let ts = parseTime(given);
  if (ts === undefined) {
    if (event[F.timestamp] !== undefined) {
      setPath(event, F.errorMessage, `invalid @timestamp ${JSON.stringify(event[F.timestamp]).slice(0, 80)}; ingest time used`);
      addTag(event, '_timestamp_failure');
    }
    ts = now;
  }
  event[F.timestamp] = new Date(ts).toISOString();
  return finish(event, ts, now, defaultDataset);
}

function finish(event: EcsEvent, ts: number, now: number, defaultDataset: string): { event: EcsEvent; ts: number } {
  const ev = event['event'];
  if (isObject(ev) && Object.hasOwn(event, 'event') && !Object.hasOwn(event, F.eventKind) && !Object.hasOwn(event, F.eventDataset)) {
    // what the setPath/getPath calls below do when `event` is an own object and no literal dotted key shadows it
    ev['ingested'] = isoOf(now);
    if (!Object.hasOwn(ev, 'kind') || ev['kind'] === undefined) ev['kind'] = 'event';
    if (!Object.hasOwn(ev, 'dataset') || typeof ev['dataset'] !== 'string') ev['dataset'] = defaultDataset;
    return { event, ts };
  }
  setPath(event, F.eventIngested, isoOf(now));
  if (getPath(event, F.eventKind) === undefined) setPath(event, F.eventKind, 'event');
  if (typeof getPath(event, F.eventDataset) !== 'string') setPath(event, F.eventDataset, defaultDataset);
  return { event, ts };
}

export function addTag(event: EcsEvent, tag: string): void {
  const tags = event[F.tags];
  if (Array.isArray(tags)) {
    if (!tags.includes(tag)) tags.push(tag);
  } else event[F.tags] = [tag];
}

/** True for an event no parser understood (kept raw with the _parse_failure tag). */
export function isParseFailure(event: EcsEvent): boolean {
  const tags = event[F.tags];
  return Array.isArray(tags) && tags.includes(PARSE_FAILURE_TAG);
}
