import { endsWithText } from '../../core/text.js';
import { isObject, type EcsEvent } from '../../schema/event.js';
import { F } from '../../schema/fields.js';
import type { LogSource } from './model.js';

/*
 * Field mapping: Sigma taxonomy field names → where Vigil's events keep them. A rule's fields are resolved once, at
 * compile time, into getters; the getter reads an EventView (the event plus what is worked out once per event).
 *
 * Windows: System fields (EventID, Channel, Provider_Name, Computer, Security_UserID) → winlog.* / event.code /
 * host.name; everything else → winlog.event_data.<Name>, then winlog.user_data.<Name>. Events whose Sigma taxonomy
 * differs from their own names get renames (Security 4688 for process_creation: Image → NewProcessName …; Defender
 * antivirus events: Signature → ThreatName, Filename → Path).
 * Other products: the taxonomy names of web, proxy, firewall, DNS and network rules → ECS fields; cloud and Zeek rules
 * → the original document kept by the parser (aws.cloudtrail.*, zeek.<log>.*); otherwise the name as an event path.
 */

type Obj = Record<string, unknown>;

/** One event as the matcher reads it; built once per event. */
export interface EventView {
  e: EcsEvent;
  /** Windows event data / user data, when a Windows event */
  ed: Obj | undefined;
  ud: Obj | undefined;
  /** Sigma name → event data name for this event kind (4688, Defender) */
  rename: Readonly<Record<string, string>> | undefined;
  /** lower-cased text values per field slot (slotOf), filled on first use */
  lower: SlotCache;
  /** text values per field slot (case kept), filled on first use */
  text: SlotCache;
}

const SLOTS = new Map<string, number>();

/** A small integer for a field key, so that per-event caches are arrays, not maps. */
export function slotOf(key: string): number {
  let s = SLOTS.get(key);
  if (s === undefined) {
    s = SLOTS.size;
    SLOTS.set(key, s);
  }
  return s;
}

/** Values per slot for the current event; `clear` starts the next event without touching the slots. */
export class SlotCache {
  private gen = 1;
  private readonly stamp: number[] = [];
  private readonly vals: Array<readonly string[] | undefined> = [];

  get(slot: number): readonly string[] | undefined {
    return this.stamp[slot] === this.gen ? this.vals[slot] : undefined;
  }

  set(slot: number, v: readonly string[]): void {
    this.stamp[slot] = this.gen;
    this.vals[slot] = v;
  }

  clear(): void {
    this.gen++;
    if (this.gen > 0x3fffffff) {
      this.gen = 1;
      this.stamp.fill(0);
    }
  }
}

export type Getter = (v: EventView) => unknown;

const WINDOWS_SYSTEM: Readonly<Record<string, string>> = {
  EventID: 'event.code',
  Channel: 'winlog.channel',
  Provider_Name: 'winlog.provider_name',
  Computer: F.hostName,
  Security_UserID: 'winlog.user.identifier',
  EventRecordID: 'winlog.record_id',
  Level: 'log.level',
  Task: 'winlog.task',
  Opcode: 'winlog.opcode',
  Keywords: 'winlog.keywords',
  Execution_ProcessID: 'winlog.process.pid',
  Execution_ThreadID: 'winlog.process.thread.id',
};

/** Security 4688 (process creation) in Sigma's process_creation names (SigmaHQ config thor.yml and pySigma windows). */
export const RENAME_4688: Readonly<Record<string, string>> = {
  Image: 'NewProcessName',
  ParentImage: 'ParentProcessName',
  ProcessId: 'NewProcessId',
  ParentProcessId: 'ProcessId',
  LogonId: 'SubjectLogonId',
};

/** Defender antivirus events (SigmaHQ thor.yml windows-defender-antivirus-mapping). */
export const RENAME_DEFENDER: Readonly<Record<string, string>> = { Signature: 'ThreatName', Filename: 'Path' };

/** Web server, proxy, firewall and network taxonomy names → ECS fields. */
export const ECS_FIELDS: Readonly<Record<string, string>> = {
  'c-ip': F.sourceIp,
  'cs-ip': F.sourceIp,
  'clientip': F.sourceIp,
  'cs-uri': F.urlOriginal,
  'c-uri': F.urlOriginal,
  'cs-uri-query': F.urlQuery,
  'c-uri-query': F.urlQuery,
  'cs-uri-stem': F.urlPath,
  'c-uri-stem': F.urlPath,
  'c-uri-extension': 'url.extension',
  'cs-method': F.httpRequestMethod,
  'sc-status': F.httpResponseStatusCode,
  'cs-user-agent': F.userAgentOriginal,
  'c-useragent': F.userAgentOriginal,
  'cs-referer': F.httpRequestReferrer,
  'cs-referrer': F.httpRequestReferrer,
  'cs-host': F.urlDomain,
  'cs-username': F.userName,
  'cs-cookie': 'http.request.cookie',
  'cs-version': F.httpVersion,
  'sc-bytes': F.httpResponseBodyBytes,
  'r-dns': 'destination.domain',
  'src_ip': F.sourceIp,
  'dst_ip': F.destinationIp,
  'src_port': F.sourcePort,
  'dst_port': F.destinationPort,
  'SourceIp': F.sourceIp,
  'SourcePort': F.sourcePort,
  'DestinationIp': F.destinationIp,
  'DestinationPort': F.destinationPort,
  'DestinationHostname': 'destination.domain',
  'SourceHostname': F.sourceDomain,
  'Protocol': F.networkTransport,
  'User': F.userName,
  'user': F.userName,
  'username': F.userName,
  'Hostname': F.hostName,
  'hostname': F.hostName,
  'query': 'dns.question.name',
  'QueryName': 'dns.question.name',
  'answer': 'dns.answers.data',
  'record_type': 'dns.question.type',
  'Image': 'process.executable',
  'CommandLine': 'process.command_line',
  'ParentImage': 'process.parent.executable',
  'ParentCommandLine': 'process.parent.command_line',
  'CurrentDirectory': 'process.working_directory',
  'ProcessId': F.processPid,
  'TargetFilename': F.filePath,
};

const has = (o: Obj | undefined, k: string): boolean => o !== undefined && Object.hasOwn(o, k);

function windowsGetter(field: string): Getter {
  const sys = Object.hasOwn(WINDOWS_SYSTEM, field) ? WINDOWS_SYSTEM[field] : undefined;
  if (sys !== undefined) {
    const parts = sys.split('.');
    return (v) => getParts(v.e, parts);
  }
  return (v) => {
    const ed = v.ed;
    if (ed !== undefined) {
      const r = v.rename !== undefined && Object.hasOwn(v.rename, field) ? v.rename[field] : undefined;
      if (r !== undefined && has(ed, r)) return ed[r];
      if (has(ed, field)) return ed[field];
    }
    const ud = v.ud;
    if (ud !== undefined && has(ud, field)) return ud[field];
    return undefined;
  };
}

function getParts(e: unknown, parts: readonly string[]): unknown {
  let cur = e;
  for (const p of parts) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** Reads a dotted path, trying nested objects first, then the path as one flat key (`"source.ip": …`). */
function pathGetter(path: string): Getter {
  const parts = path.split('.');
  if (parts.length === 1) return (v) => v.e[path];
  return (v) => {
    const nested = getParts(v.e, parts);
    // no inherited property has a dot in its name: the flat key is read as it is
    return nested !== undefined ? nested : v.e[path];
  };
}

/** The getter for a Sigma field in a rule of this logsource. */
export function fieldGetter(field: string, ls: LogSource): Getter {
  if (ls.product === 'windows') return windowsGetter(field);
  if (ls.product === 'aws' && ls.service === 'cloudtrail') return pathGetter(`aws.cloudtrail.${field}`);
  if (ls.product === 'zeek' && ls.service !== undefined) {
    const own = pathGetter(`zeek.${ls.service}.${field}`);
    return own;
  }
  const ecs = Object.hasOwn(ECS_FIELDS, field) ? ECS_FIELDS[field] : undefined;
  if (ecs !== undefined) {
    const g = pathGetter(ecs);
    const raw = pathGetter(field);
    return (v) => g(v) ?? raw(v);
  }
  return pathGetter(field);
}

/** A field key: getters of equal keys read the same values (for the per-event caches and the prefilter). */
export function fieldKey(field: string, ls: LogSource): string {
  if (ls.product === 'windows') return `win:${field}`;
  if (ls.product === 'aws' && ls.service === 'cloudtrail') return `aws:${field}`;
  if (ls.product === 'zeek' && ls.service !== undefined) return `zeek:${ls.service}:${field}`;
  return `ecs:${field}`;
}

/**
 * Texts a keyword (field-less) search looks at: the message and event.original; for Windows events the event data
 * and user data values, and the message only when it is not the raw record (the JSON or XML line is kept as both
 * message and event.original, and is not text to search: its backslashes are escaped, its names are markup).
 */
export function keywordTexts(v: EventView): unknown[] {
  const out: unknown[] = [];
  const m = v.e[F.message];
  const ev = v.e['event'];
  const original = isObject(ev) ? ev['original'] : undefined;
  if (v.ed !== undefined || v.ud !== undefined) {
    if (m !== undefined && m !== original) out.push(m);
    if (v.ed) for (const x of Object.values(v.ed)) out.push(x);
    if (v.ud) for (const x of Object.values(v.ud)) out.push(x);
    return out;
  }
  if (m !== undefined) out.push(m);
  if (original !== undefined && original !== m) out.push(original);
  return out;
}

/**
 * What the prefilter scans for keyword literals: as keywordTexts, but only event.original when it contains the
 * message (a literal in the message is then in the original too), so the line is not scanned twice.
 */
export function keywordScanTexts(v: EventView): unknown[] {
  if (v.ed !== undefined || v.ud !== undefined) return keywordTexts(v);
  const m = v.e[F.message];
  const ev = v.e['event'];
  const o = isObject(ev) ? ev['original'] : undefined;
  if (typeof o === 'string' && typeof m === 'string' && endsWithText(o, m)) return [o];
  return keywordTexts(v);
}

/** The key of keyword searches: one per product, so that each product's keyword literals have their own automaton. */
export function keywordKey(ls: LogSource): string {
  return `#keywords:${ls.product ?? ''}`;
}

export const isKeywordKey = (key: string): boolean => key.startsWith('#keywords:');

/** The text values of a field value: scalars as text, arrays flattened one level; null/objects give none. */
export function texts(val: unknown): string[] {
  if (val === undefined || val === null) return [];
  if (typeof val === 'string') return [val];
  if (typeof val === 'number' || typeof val === 'boolean' || typeof val === 'bigint') return [String(val)];
  if (Array.isArray(val)) {
    const out: string[] = [];
    for (const x of val) {
      if (typeof x === 'string') out.push(x);
      else if (typeof x === 'number' || typeof x === 'boolean') out.push(String(x));
    }
    return out;
  }
  return [];
}
