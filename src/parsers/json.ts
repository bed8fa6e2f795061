import { getPath, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { mapCloudTrail } from './cloudtrail.js';
import type { LineFormat } from './message-parser.js';
import { expandJson, mergeOwn, parseJsonLine, releaseJsonLine, setTimestamp, str, type Json } from './json-fields.js';
import { mapSuricataEve } from './suricata.js';
import { mapWindowsJson } from './windows.js';
import { mapZeek } from './zeek.js';

/**
 * `json`: one JSON object per line. Known shapes go to their mappers (Suricata EVE, Zeek, CloudTrail, Windows
 * events); any other object is kept as it is (dotted keys nested, `__proto__` kept as data) with @timestamp and
 * message taken from the usual fields. Lines that are not a JSON object, or nest deeper than MAX_JSON_DEPTH, are not
 * recognised.
 */

export const JSON_DATASET = 'json';

/** Maps a parsed object onto `event`; true when it recognised the shape (and set event.dataset). */
export type ObjectMapper = (obj: Json, event: EcsEvent) => boolean;

/** Shape-specific mappers, tried in order before generic JSON (Windows: evtx_dump and Winlogbeat JSON). */
export const OBJECT_MAPPERS: readonly ObjectMapper[] = [mapSuricataEve, mapZeek, mapCloudTrail, mapWindowsJson];

const TIME_KEYS = ['@timestamp', 'timestamp', 'time', 'ts'] as const;
const MESSAGE_KEYS = ['message', 'msg'] as const;

/** Generic JSON: every field kept, dotted keys nested; the first parseable time is @timestamp. */
export function mapGenericJson(obj: Json, event: EcsEvent): void {
  const doc = expandJson(obj);
  const times = TIME_KEYS.map((k) => (Object.hasOwn(doc, k) ? doc[k] : undefined));
  const raw = getPath(event, F.eventOriginal);
  // fields the line parser set (event.original, log.*) are merged with, not replaced by, the line's own
  mergeOwn(event, doc);
  if (raw !== undefined) setPath(event, F.eventOriginal, raw);
  // an unparseable @timestamp stays as given: normalization then notes it and uses the ingest time
  setTimestamp(event, ...times);
  let message: string | undefined;
  for (const k of MESSAGE_KEYS) {
    message = str(Object.hasOwn(doc, k) ? doc[k] : undefined, 65536);
    if (message !== undefined) break;
  }
  if (message !== undefined) event[F.message] = message;
  else if (Object.hasOwn(event, F.message)) delete event[F.message]; // not text: the line parser puts the line there
  setPath(event, F.eventDataset, JSON_DATASET);
}

/** Maps any JSON object: a known shape, else generic. Returns the dataset set. */
export function mapJsonObject(obj: Json, event: EcsEvent): string {
  for (const m of OBJECT_MAPPERS) {
    let mapped = false;
    try {
      mapped = m(obj, event);
    } catch {
      mapped = false; // a mapper that fails on odd input leaves the line to the next one
    }
    if (mapped) {
      const ds = getPath(event, F.eventDataset);
      return typeof ds === 'string' ? ds : JSON_DATASET;
    }
  }
  mapGenericJson(obj, event);
  return JSON_DATASET;
}

class JsonFormat implements LineFormat {
  readonly name = 'json';
  /** parse sets the dataset of each line itself (`json`, `suricata.eve`, `zeek.conn`, …) */
  readonly dataset = JSON_DATASET;
  sniff(line: string): boolean {
    return line.trimStart().startsWith('{');
  }
  parse(line: string, event: EcsEvent): boolean {
    const obj = parseJsonLine(line);
    if (!obj) return false;
    releaseJsonLine();
    mapJsonObject(obj, event);
    return true;
  }
}

export const jsonFormat: LineFormat = new JsonFormat();
