/**
 * A small reader for the Windows Event XML form of one event:
 *   <Event xmlns="…"><System><Provider Name="…"/><EventID>4624</EventID>…</System>
 *   <EventData><Data Name="TargetUserName">bob</Data>…</EventData></Event>
 * (or <UserData><Wrapper><Field>…</Field></Wrapper></UserData>, and an optional <RenderingInfo><Message>).
 *
 * Input is attacker-controlled: the scan is a single forward pass (every indexOf starts past the previous position),
 * nesting depth, attributes per tag and fields per event are bounded, and no DTD or custom entity is ever expanded.
 */

/** The <System> part of an event, as text (numbers are converted by the mapping). */
export interface WindowsSystem {
  eventId?: string | undefined;
  qualifiers?: string | undefined;
  provider?: string | undefined;
  providerGuid?: string | undefined;
  eventSourceName?: string | undefined;
  version?: string | undefined;
  level?: string | undefined;
  task?: string | undefined;
  opcode?: string | undefined;
  keywords?: string | undefined;
  timeCreated?: string | undefined;
  recordId?: string | undefined;
  activityId?: string | undefined;
  pid?: string | undefined;
  tid?: string | undefined;
  channel?: string | undefined;
  computer?: string | undefined;
  userId?: string | undefined;
}

export interface WindowsXmlEvent {
  system: WindowsSystem;
  /** <EventData><Data Name="X">, by name; unnamed Data elements are param1, param2, … */
  eventData: Record<string, string>;
  /** <UserData><Wrapper><X>, by element name */
  userData?: Record<string, string>;
  /** the local name of the element inside <UserData> */
  userDataName?: string;
  /** <RenderingInfo><Message> */
  message?: string;
}

const MAX_DEPTH = 16;
const MAX_ATTRS = 32;
const MAX_FIELDS = 512;
const MAX_NAME = 256;

/** Sets an own, enumerable property; `__proto__` stays data and never reaches the prototype. */
export function putOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/** Builds a plain object from a map without prototype pollution. */
export function recordOf(m: ReadonlyMap<string, string>): Record<string, string> {
  const o: Record<string, string> = {};
  for (const [k, v] of m) putOwn(o, k, v);
  return o;
}

const ENTITY = /&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|lt|gt|amp|quot|apos);/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references; anything else is kept as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (whole, body: string) => {
    if (body.charCodeAt(0) !== 35 /* # */) return NAMED[body] ?? whole;
    const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    if (!Number.isFinite(cp) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return whole;
    return String.fromCodePoint(cp);
  });
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Local name of a qualified name (`ns:Data` → `Data`). */
function local(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

interface Tag {
  name: string;
  attrs: [string, string][];
  selfClosing: boolean;
  end: number;
}

/** Reads `<name attr="v" …>` starting at `i` (the `<`); undefined when malformed. */
function readTag(xml: string, i: number): Tag | undefined {
  const n = xml.length;
  let j = i + 1;
  const start = j;
  while (j < n) {
    const c = xml.charCodeAt(j);
    if (isSpace(c) || c === 47 /* / */ || c === 62 /* > */) break;
    j++;
  }
  if (j === start || j - start > MAX_NAME) return undefined;
  const name = xml.slice(start, j);
  const attrs: [string, string][] = [];
  for (;;) {
    while (j < n && isSpace(xml.charCodeAt(j))) j++;
    if (j >= n) return undefined;
    const c = xml.charCodeAt(j);
    if (c === 62) return { name, attrs, selfClosing: false, end: j + 1 };
    if (c === 47) return xml.charCodeAt(j + 1) === 62 ? { name, attrs, selfClosing: true, end: j + 2 } : undefined;
    const an = j;
    while (j < n) {
      const d = xml.charCodeAt(j);
      if (d === 61 /* = */ || isSpace(d) || d === 62 || d === 47) break;
      j++;
    }
    if (j === an || j - an > MAX_NAME) return undefined;
    const attrName = xml.slice(an, j);
    while (j < n && isSpace(xml.charCodeAt(j))) j++;
    if (xml.charCodeAt(j) !== 61) return undefined;
    j++;
    while (j < n && isSpace(xml.charCodeAt(j))) j++;
    const q = xml.charCodeAt(j);
    if (q !== 34 && q !== 39) return undefined;
    const close = xml.indexOf(q === 34 ? '"' : "'", j + 1);
    if (close === -1) return undefined;
    if (attrs.length < MAX_ATTRS) attrs.push([local(attrName), xml.slice(j + 1, close)]);
    j = close + 1;
  }
}

function attr(tag: Tag, name: string): string | undefined {
  for (const [k, v] of tag.attrs) if (k === name) return decodeEntities(v);
  return undefined;
}

const SYSTEM_TEXT: Record<string, keyof WindowsSystem> = {
  EventID: 'eventId',
  Version: 'version',
  Level: 'level',
  Task: 'task',
  Opcode: 'opcode',
  Keywords: 'keywords',
  EventRecordID: 'recordId',
  Channel: 'channel',
  Computer: 'computer',
};

/** Which field an element's text goes to. */
type Sink = { kind: 'system'; key: keyof WindowsSystem } | { kind: 'data'; key: string } | { kind: 'user'; key: string } | { kind: 'message' };

/** Reads one <Event> element; undefined when the text is not a well-formed event (within the bounds above). */
export function readEventXml(xml: string): WindowsXmlEvent | undefined {
  const n = xml.length;
  const stack: string[] = [];
  const system: WindowsSystem = {};
  const data = new Map<string, string>();
  const user = new Map<string, string>();
  let userDataName: string | undefined;
  let message: string | undefined;
  let unnamed = 0;
  let sink: Sink | undefined;
  let sinkDepth = -1;
  let text = '';
  let done = false;
  let i = 0;

  const commit = (s: Sink, value: string): void => {
    if (s.kind === 'system') system[s.key] = value.trim();
    else if (s.kind === 'message') message = value;
    else {
      const m = s.kind === 'data' ? data : user;
      if (m.size < MAX_FIELDS || m.has(s.key)) m.set(s.key, value);
    }
  };

  while (i < n && !done) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (sink && stack.length === sinkDepth && textEnd > i) text += decodeEntities(xml.slice(i, textEnd));
    if (lt === -1) break;
    if (xml.startsWith('<?', lt)) {
      const e = xml.indexOf('?>', lt + 2);
      if (e === -1) return undefined;
      i = e + 2;
      continue;
    }
    if (xml.startsWith('<!--', lt)) {
      const e = xml.indexOf('-->', lt + 4);
      if (e === -1) return undefined;
      i = e + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const e = xml.indexOf(']]>', lt + 9);
      if (e === -1) return undefined;
      if (sink && stack.length === sinkDepth) text += xml.slice(lt + 9, e);
      i = e + 3;
      continue;
    }
    // a DOCTYPE (and with it any entity definition) is not part of an event
    if (xml.startsWith('<!', lt)) return undefined;
    if (xml.charCodeAt(lt + 1) === 47 /* / */) {
      const e = xml.indexOf('>', lt + 2);
      if (e === -1) return undefined;
      const name = local(xml.slice(lt + 2, e).trim());
      if (stack.length === 0 || stack[stack.length - 1] !== name) return undefined;
      if (sink && stack.length === sinkDepth) {
        commit(sink, text);
        sink = undefined;
        sinkDepth = -1;
        text = '';
      }
      stack.pop();
      if (stack.length === 0) done = true;
      i = e + 1;
      continue;
    }
    const tag = readTag(xml, lt);
    if (!tag) return undefined;
    i = tag.end;
    const name = local(tag.name);
    const depth = stack.length;
    if (depth === 0 && name !== 'Event') return undefined;
    if (depth >= MAX_DEPTH) return undefined;
    let s: Sink | undefined;
    const parent = stack[1];
    if (depth === 2 && parent === 'System') {
      const key = SYSTEM_TEXT[name];
      if (key) {
        s = { kind: 'system', key };
        if (name === 'EventID') system.qualifiers = attr(tag, 'Qualifiers');
      } else if (name === 'Provider') {
        system.provider = attr(tag, 'Name');
        system.providerGuid = attr(tag, 'Guid');
        system.eventSourceName = attr(tag, 'EventSourceName');
      } else if (name === 'TimeCreated') system.timeCreated = attr(tag, 'SystemTime');
      else if (name === 'Execution') {
        system.pid = attr(tag, 'ProcessID');
        system.tid = attr(tag, 'ThreadID');
      } else if (name === 'Security') system.userId = attr(tag, 'UserID');
      else if (name === 'Correlation') system.activityId = attr(tag, 'ActivityID');
    } else if (depth === 2 && parent === 'EventData') {
      if (name === 'Data') {
        const key = attr(tag, 'Name');
        s = { kind: 'data', key: key !== undefined && key.length > 0 ? key : `param${++unnamed}` };
      } else if (name === 'Binary') s = { kind: 'data', key: 'Binary' };
    } else if (depth === 2 && parent === 'UserData') userDataName ??= name;
    else if (depth === 3 && parent === 'UserData') s = { kind: 'user', key: name };
    else if (depth === 2 && parent === 'RenderingInfo' && name === 'Message') s = { kind: 'message' };
    if (tag.selfClosing) {
      if (s && !sink) commit(s, '');
      if (depth === 0) done = true;
      continue;
    }
    stack.push(name);
    if (s && !sink) {
      sink = s;
      sinkDepth = stack.length;
      text = '';
    }
  }
  if (!done) return undefined;
  const out: WindowsXmlEvent = { system, eventData: recordOf(data) };
  if (user.size > 0 || userDataName !== undefined) out.userData = recordOf(user);
  if (userDataName !== undefined) out.userDataName = userDataName;
  if (message !== undefined) out.message = message;
  return out;
}

/**
 * Splits a document of several events (`<Events><Event>…</Event><Event>…</Event></Events>`, as exported) into the
 * text of each <Event> element (line breaks inside kept). For files and tests; a live input sends one event per line.
 */
export function splitEvents(doc: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const s = doc.indexOf('<Event', i);
    if (s === -1) break;
    const c = doc.charCodeAt(s + 6);
    if (!isSpace(c) && c !== 62 && c !== 47) {
      i = s + 6;
      continue;
    }
    const e = doc.indexOf('</Event>', s);
    if (e === -1) break;
    out.push(doc.slice(s, e + 8));
    i = e + 8;
  }
  return out;
}
