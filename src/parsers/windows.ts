import { isObject, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { mapWindowsEvent, windowsTime } from './windows-map.js';
import { putOwn, readEventXml, type WindowsSystem } from './windows-xml.js';

/*
 * Windows events in three forms, all mapped by mapWindowsEvent (windows-map.ts):
 *   - Event XML, one <Event> per line (the `windows-xml` line format);
 *   - evtx_dump JSON: {"Event":{"System":{"EventID":4624,…},"EventData":{"TargetUserName":"bob",…}}};
 *   - Winlogbeat JSON: {"winlog":{"event_id":"4624","channel":"Security","event_data":{…}},…}.
 */

export type { WindowsSystem } from './windows-xml.js';
export { mapWindowsEvent, W, winBasename, windowsDataset, windowsTime } from './windows-map.js';

const MAX_KEY = 256;
const MAX_FIELDS = 512;
const MAX_VALUE = 65536;

/** A JSON value as event-data text: strings as they are, numbers and booleans printed; other values skipped. */
function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > MAX_VALUE ? v.slice(0, MAX_VALUE) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.slice(0, 256).join('\n').slice(0, MAX_VALUE);
  return undefined;
}

/**
 * Copies the scalar members of a JSON object into a fresh own-property record (bounded; `__proto__` kept as data).
 * `nullAs` keeps null members as that text (evtx_dump writes an empty <Data> as null) instead of skipping them.
 */
export function safeStringRecord(o: Record<string, unknown>, nullAs?: string): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const k of Object.keys(o)) {
    if (n >= MAX_FIELDS) break;
    if (k.length === 0 || k.length > MAX_KEY || k === '#attributes') continue;
    const v = o[k];
    const s = v === null ? nullAs : scalarText(v);
    if (s === undefined) continue;
    putOwn(out, k, s);
    n++;
  }
  return out;
}

function own(o: unknown, key: string): unknown {
  return isObject(o) && Object.hasOwn(o, key) ? o[key] : undefined;
}

/** `4624`, `"4624"`, `{"#text": 4624}`, `{"#text": "4624", "#attributes": {…}}` → text. */
function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (isObject(v)) return textOf(own(v, '#text') ?? own(v, '_'));
  return undefined;
}

/** An attribute of an evtx_dump (`#attributes`) or xmltodict (`@Name`) element. */
function attrOf(el: unknown, name: string): string | undefined {
  return textOf(own(own(el, '#attributes'), name) ?? own(el, `@${name}`) ?? own(el, name));
}

/** EventData of evtx_dump (`{"Name": value}`) or xmltodict (`{"Data": [{"@Name": …, "#text": …}]}`). */
function jsonEventData(ed: unknown): Record<string, string> {
  if (!isObject(ed)) return {};
  const data = own(ed, 'Data');
  if (data === undefined) return safeStringRecord(ed, '');
  const items = Array.isArray(data) ? data : [data];
  const out: Record<string, string> = {};
  let unnamed = 0;
  for (const item of items.slice(0, MAX_FIELDS)) {
    if (isObject(item)) {
      const name = attrOf(item, 'Name');
      const text = own(item, '#text');
      const value = scalarText(text) ?? '';
      if (name !== undefined && name.length > 0 && name.length <= MAX_KEY) putOwn(out, name, value);
      else if (Array.isArray(text)) for (const t of text.slice(0, MAX_FIELDS)) putOwn(out, `param${++unnamed}`, scalarText(t) ?? '');
      else putOwn(out, `param${++unnamed}`, value);
    } else {
      const value = scalarText(item);
      if (value !== undefined) putOwn(out, `param${++unnamed}`, value);
    }
  }
  for (const k of Object.keys(ed)) if (k !== 'Data' && k !== '#attributes' && Object.keys(out).length < MAX_FIELDS) {
    const s = scalarText(ed[k]);
    if (s !== undefined && k.length <= MAX_KEY) putOwn(out, k, s);
  }
  return out;
}

/** UserData: the one wrapper element's scalar members. */
function jsonUserData(ud: unknown): { data: Record<string, string>; name?: string } | undefined {
  if (!isObject(ud)) return undefined;
  for (const k of Object.keys(ud)) {
    if (k === '#attributes') continue;
    const inner = ud[k];
    if (isObject(inner)) return { data: safeStringRecord(inner), name: k };
  }
  return { data: safeStringRecord(ud) };
}

function mapEvtxDump(ev: Record<string, unknown>, event: EcsEvent): boolean {
  const s = own(ev, 'System');
  if (!isObject(s)) return false;
  const provider = own(s, 'Provider');
  const exec = own(s, 'Execution');
  const sys: WindowsSystem = {
    eventId: textOf(own(s, 'EventID')),
    provider: attrOf(provider, 'Name'),
    providerGuid: attrOf(provider, 'Guid'),
    version: textOf(own(s, 'Version')),
    level: textOf(own(s, 'Level')),
    task: textOf(own(s, 'Task')),
    opcode: textOf(own(s, 'Opcode')),
    keywords: textOf(own(s, 'Keywords')),
    timeCreated: attrOf(own(s, 'TimeCreated'), 'SystemTime'),
    recordId: textOf(own(s, 'EventRecordID')),
    pid: attrOf(exec, 'ProcessID'),
    tid: attrOf(exec, 'ThreadID'),
    channel: textOf(own(s, 'Channel')),
    computer: textOf(own(s, 'Computer')),
    userId: attrOf(own(s, 'Security'), 'UserID'),
    activityId: attrOf(own(s, 'Correlation'), 'ActivityID'),
  };
  if (sys.eventId === undefined) return false;
  const ud = jsonUserData(own(ev, 'UserData'));
  mapWindowsEvent(sys, jsonEventData(own(ev, 'EventData')), event, ud?.data, ud?.name);
  const rendering = own(own(ev, 'RenderingInfo'), 'Message');
  if (typeof rendering === 'string') event[F.message] = rendering;
  return true;
}

function mapWinlogbeat(obj: Record<string, unknown>, w: Record<string, unknown>, event: EcsEvent): boolean {
  const eventId = textOf(own(w, 'event_id'));
  if (eventId === undefined) return false;
  const proc = own(w, 'process');
  const sys: WindowsSystem = {
    eventId,
    provider: textOf(own(w, 'provider_name')),
    providerGuid: textOf(own(w, 'provider_guid')),
    channel: textOf(own(w, 'channel')),
    computer: textOf(own(w, 'computer_name')) ?? textOf(own(own(obj, 'host'), 'name')),
    recordId: textOf(own(w, 'record_id')),
    pid: textOf(own(proc, 'pid')),
    tid: textOf(own(own(proc, 'thread'), 'id')),
    task: textOf(own(w, 'task')),
    opcode: textOf(own(w, 'opcode')),
    version: textOf(own(w, 'version')),
    activityId: textOf(own(w, 'activity_id')),
  };
  const ed = own(w, 'event_data');
  const ud = own(w, 'user_data');
  mapWindowsEvent(sys, isObject(ed) ? safeStringRecord(ed) : {}, event, isObject(ud) ? safeStringRecord(ud) : undefined);
  const ts = obj[F.timestamp];
  if (typeof ts === 'string' && event[F.timestamp] === undefined) {
    const iso = windowsTime(ts);
    if (iso !== undefined) event[F.timestamp] = iso;
  }
  const msg = obj[F.message];
  if (typeof msg === 'string' && event[F.message] === undefined) event[F.message] = msg;
  return true;
}

/**
 * Maps a parsed JSON line that is a Windows event: evtx_dump (`{"Event":{"System":…}}`) or Winlogbeat
 * (`{"winlog":{"event_id":…}}`). False (nothing set) when it is neither.
 */
export function mapWindowsJson(obj: Record<string, unknown>, event: EcsEvent): boolean {
  const ev = own(obj, 'Event');
  if (isObject(ev)) return mapEvtxDump(ev, event);
  if (isObject(own(obj, 'System'))) return mapEvtxDump(obj, event);
  const w = own(obj, 'winlog');
  if (isObject(w)) return mapWinlogbeat(obj, w, event);
  return false;
}

/** Parses one Event XML line into `event`; false when it is not one. */
export function parseWindowsXml(line: string, event: EcsEvent): boolean {
  const x = readEventXml(line);
  if (!x || x.system.eventId === undefined) return false;
  mapWindowsEvent(x.system, x.eventData, event, x.userData, x.userDataName);
  if (x.message !== undefined && x.message.length > 0) event[F.message] = x.message;
  return true;
}

/** Windows Event XML, one <Event> per line (as forwarded by wevtutil / Get-WinEvent … ToXml()). */
export const windowsXmlFormat: LineFormat = {
  name: 'windows-xml',
  /** used only when a line's channel is unknown; parse sets windows.security, windows.sysmon, … itself */
  dataset: 'windows',
  sniff(line: string): boolean {
    const i = line.indexOf('<Event');
    if (i === -1 || i > 512) return false;
    const c = line.charCodeAt(i + 6);
    return c === 32 || c === 62 || c === 9;
  },
  parse(line: string, event: EcsEvent): boolean {
    return parseWindowsXml(line, event);
  },
};
