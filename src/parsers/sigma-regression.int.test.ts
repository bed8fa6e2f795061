import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { getPath, isObject, type EcsEvent } from '../schema/event.js';
import type { RawRecord } from '../core/component.js';
import { F, PARSE_FAILURE_TAG } from '../schema/fields.js';
import { LineParser } from './line.js';
import { filesUnder as walk, oneLine, splitJsonStream } from './testing/json-stream.js';

/*
 * SigmaHQ's regression events (shared/data/sigma/regression_data: per rule an info.yml and the evtx_dump JSON of the
 * events the rule must match) through the real line parser. Every event must parse to a Windows event whose System
 * fields, event data and ECS mapping follow the source, and every field the rule's detection names must be reachable
 * in the parsed event. The evtx_dump files are streams of concatenated pretty-printed objects; each object is sent as
 * one line of JSON, as a forwarder would send it, and again as the Event XML it was rendered from.
 */

const SIGMA = fileURLToPath(new URL('../../../shared/data/sigma/', import.meta.url));
const REGRESSION = join(SIGMA, 'regression_data');
const RULE_TREES = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => join(SIGMA, d));
const haveData = existsSync(REGRESSION) && existsSync(join(SIGMA, 'config/logsource.json'));

type Obj = Record<string, unknown>;


function obj(v: unknown, what: string): Obj {
  assert.ok(isObject(v), `${what} is not an object`);
  return v;
}

function attr(el: unknown, name: string): unknown {
  return isObject(el) && isObject(el['#attributes']) ? el['#attributes'][name] : undefined;
}

/** The text Vigil keeps for an event data value: strings as they are, numbers printed, null as ''. */
function dataText(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    assert.ok(Number.isSafeInteger(v), `${where}: ${v} is not exactly representable`);
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (v === null) return '';
  assert.fail(`${where}: unexpected value ${JSON.stringify(v)}`);
}

/** An event data value as the ECS mapping uses it: '' and '-' mean absent. */
function present(d: Obj, key: string): string | undefined {
  if (!Object.hasOwn(d, key)) return undefined;
  const v = d[key];
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : undefined;
  return s !== undefined && s !== '' && s !== '-' ? s : undefined;
}

/** Sigma's Windows System fields (config/logsource.json `windows.common`) and where Vigil puts them. */
const SYSTEM_FIELDS: Record<string, string> = {
  EventID: 'winlog.event_id',
  Provider_Name: 'winlog.provider_name',
  Channel: 'winlog.channel',
  Computer: F.hostName,
  Security_UserID: 'winlog.user.identifier',
};

function systemFieldNames(): string[] {
  const doc = obj(JSON.parse(readFileSync(join(SIGMA, 'config/logsource.json'), 'utf8')), 'logsource.json');
  const common = getPath(doc, 'legit.windows.common');
  assert.ok(Array.isArray(common), 'logsource.json has no legit.windows.common');
  return common.filter((x): x is string => typeof x === 'string');
}

/** Every rule file by its `id:`. */
let ruleIndex: Map<string, string> | undefined;
function ruleFile(id: string): string | undefined {
  if (!ruleIndex) {
    ruleIndex = new Map();
    for (const tree of RULE_TREES) {
      for (const f of walk(tree)) {
        if (!f.endsWith('.yml')) continue;
        const m = /^id:\s*['"]?([0-9a-fA-F-]{36})/m.exec(readFileSync(f, 'utf8'));
        if (m?.[1] !== undefined) ruleIndex.set(m[1].toLowerCase(), f);
      }
    }
  }
  return ruleIndex.get(id.toLowerCase());
}

interface Rule {
  file: string;
  title: string;
  fields: string[];
  keywords: string[];
}

/** Field names of a rule's detection (modifiers stripped); keyword lists and condition/timeframe apart. */
function loadRule(file: string): Rule {
  const doc = obj(parseYaml(readFileSync(file, 'utf8')), file);
  const det = obj(doc['detection'], `${file} detection`);
  const fields = new Set<string>();
  const keywords: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (isObject(v)) {
      for (const k of Object.keys(v)) {
        const name = k.split('|')[0] ?? '';
        if (name.length > 0) fields.add(name);
      }
    } else if (typeof v === 'string' || typeof v === 'number') keywords.push(String(v));
  };
  for (const [k, v] of Object.entries(det)) if (k !== 'condition' && k !== 'timeframe') visit(v);
  return { file, title: typeof doc['title'] === 'string' ? doc['title'] : '', fields: [...fields].sort(), keywords };
}

interface Case {
  dir: string;
  ruleId: string;
  matchCount: number | undefined;
  files: string[];
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const info of walk(REGRESSION).filter((f) => f.endsWith('/info.yml'))) {
    const doc = obj(parseYaml(readFileSync(info, 'utf8')), info);
    const meta = doc['rule_metadata'];
    const first: unknown = Array.isArray(meta) ? meta[0] : undefined;
    const id = isObject(first) ? first['id'] : undefined;
    assert.equal(typeof id, 'string', `${info}: no rule_metadata id`);
    const tests = doc['regression_tests_info'];
    const t0: unknown = Array.isArray(tests) ? tests[0] : undefined;
    const mc = isObject(t0) ? t0['match_count'] : undefined;
    const dir = info.slice(0, -'/info.yml'.length);
    const files = readdirSync(dir).filter((f) => f !== 'info.yml').map((f) => join(dir, f));
    out.push({ dir, ruleId: String(id), matchCount: typeof mc === 'number' ? mc : undefined, files });
  }
  return out;
}

const parser = new LineParser();

function parseLine(line: string): EcsEvent {
  const record: RawRecord = { message: line, receivedAt: Date.now() };
  return parser.parse(record);
}

/** ECS fields the parser must set from the event data, per provider kind and event id. */
type Expect = (d: Obj, check: (path: string, want: unknown) => void) => void;

const exe = (d: Obj, key: string, prefix: string, check: (p: string, w: unknown) => void): void => {
  const v = present(d, key);
  if (v !== undefined) check(`${prefix}.executable`, v);
};
const number = (d: Obj, key: string, path: string, check: (p: string, w: unknown) => void): void => {
  const v = present(d, key);
  if (v !== undefined && /^\d+$/.test(v)) check(path, Number(v));
};
const text = (d: Obj, key: string, path: string, check: (p: string, w: unknown) => void): void => {
  const v = present(d, key);
  if (v !== undefined) check(path, v);
};
const address = (d: Obj, key: string, path: string, check: (p: string, w: unknown) => void): void => {
  const v = present(d, key);
  if (v !== undefined && isIP(v) !== 0) check(path, v);
};
const sysmonUser = (d: Obj, check: (p: string, w: unknown) => void): void => {
  const v = present(d, 'User');
  if (v !== undefined) check(F.userName, v.slice(v.indexOf('\\') + 1));
};

const SYSMON_ECS: Record<number, Expect> = {
  1: (d, c) => {
    exe(d, 'Image', 'process', c);
    text(d, 'CommandLine', 'process.command_line', c);
    exe(d, 'ParentImage', 'process.parent', c);
    text(d, 'ParentCommandLine', 'process.parent.command_line', c);
    text(d, 'CurrentDirectory', 'process.working_directory', c);
    number(d, 'ProcessId', F.processPid, c);
    number(d, 'ParentProcessId', 'process.parent.pid', c);
    text(d, 'ProcessGuid', 'process.entity_id', c);
    sysmonUser(d, c);
  },
  3: (d, c) => {
    exe(d, 'Image', 'process', c);
    address(d, 'SourceIp', F.sourceIp, c);
    address(d, 'DestinationIp', F.destinationIp, c);
    number(d, 'SourcePort', F.sourcePort, c);
    number(d, 'DestinationPort', F.destinationPort, c);
    sysmonUser(d, c);
  },
  11: (d, c) => {
    exe(d, 'Image', 'process', c);
    text(d, 'TargetFilename', F.filePath, c);
    number(d, 'ProcessId', F.processPid, c);
    sysmonUser(d, c);
  },
};

const SECURITY_ECS: Record<number, Expect> = {
  4624: (d, c) => {
    text(d, 'TargetUserName', F.userName, c);
    address(d, 'IpAddress', F.sourceIp, c);
    number(d, 'IpPort', F.sourcePort, c);
    c(F.eventOutcome, 'success');
  },
  4625: (d, c) => {
    text(d, 'TargetUserName', F.userName, c);
    address(d, 'IpAddress', F.sourceIp, c);
    c(F.eventOutcome, 'failure');
  },
  4648: (d, c) => {
    text(d, 'SubjectUserName', F.userName, c);
    text(d, 'TargetUserName', 'user.target.name', c);
    address(d, 'IpAddress', F.sourceIp, c);
  },
  4672: (d, c) => text(d, 'SubjectUserName', F.userName, c),
  4688: (d, c) => {
    exe(d, 'NewProcessName', 'process', c);
    text(d, 'CommandLine', 'process.command_line', c);
    exe(d, 'ParentProcessName', 'process.parent', c);
    text(d, 'SubjectUserName', F.userName, c);
  },
  4720: (d, c) => {
    text(d, 'SubjectUserName', F.userName, c);
    text(d, 'TargetUserName', 'user.target.name', c);
  },
  4732: (d, c) => {
    text(d, 'TargetUserName', 'group.name', c);
    text(d, 'MemberName', 'user.target.name', c);
  },
  1102: (d, c) => text(d, 'SubjectUserName', F.userName, c),
};

interface Tally {
  events: number;
  rules: number;
  fieldsChecked: number;
  ecsChecks: Map<string, number>;
  notInSource: string[];
  /** rule fields found, by where: System field, event data, event data under its space-less name, user data */
  where: Map<string, string[]>;
}

/** Parses one evtx_dump event (its source text) and checks the event against the source; returns both. */
function checkEvent(where: string, raw: string, tally: Tally): { e: EcsEvent; ev: Obj } {
  const source = obj(JSON.parse(raw), where);
  const ev = obj(source['Event'], `${where} Event`);
  const sys = obj(ev['System'], `${where} System`);
  const e = parseLine(oneLine(raw));
  assert.equal(getPath(e, F.eventOriginal), oneLine(raw), `${where}: event.original`);
  // sniffed or named (`--format json`), the line gives the same event
  const named: RawRecord = { message: oneLine(raw), receivedAt: Date.now(), format: 'json' };
  assert.deepEqual(parser.parse(named), e, `${where}: --format json differs`);
  const tags = e[F.tags];
  assert.ok(!(Array.isArray(tags) && tags.includes(PARSE_FAILURE_TAG)), `${where}: ${PARSE_FAILURE_TAG}: ${String(getPath(e, F.errorMessage))}`);
  const systemTime = attr(sys['TimeCreated'], 'SystemTime');
  assert.equal(typeof systemTime, 'string', `${where}: no SystemTime`);
  // event times are millisecond ISO text: the SystemTime's microseconds are cut to milliseconds
  assert.equal(e[F.timestamp], new Date(Date.parse(String(systemTime))).toISOString(), `${where} @timestamp`);
  assert.equal(getPath(e, 'event.code'), String(sys['EventID']), `${where} event.code`);
  assert.equal(getPath(e, 'winlog.event_id'), sys['EventID'], `${where} winlog.event_id`);
  assert.equal(getPath(e, 'winlog.channel'), sys['Channel'], `${where} winlog.channel`);
  const provider = attr(sys['Provider'], 'Name');
  assert.equal(getPath(e, 'winlog.provider_name'), provider, `${where} winlog.provider_name`);
  assert.equal(getPath(e, F.hostName), sys['Computer'], `${where} host.name`);
  assert.equal(getPath(e, 'winlog.record_id'), sys['EventRecordID'], `${where} winlog.record_id`);
  const activity = attr(sys['Correlation'], 'ActivityID');
  if (typeof activity === 'string') assert.equal(getPath(e, 'winlog.activity_id'), activity, `${where} winlog.activity_id`);
  const sysmon = provider === 'Microsoft-Windows-Sysmon';
  const ds = getPath(e, F.eventDataset);
  if (sysmon) assert.equal(ds, 'windows.sysmon', `${where} event.dataset`);
  else assert.ok(typeof ds === 'string' && ds.startsWith('windows.'), `${where} event.dataset ${String(ds)}`);

  const data = isObject(ev['EventData']) ? ev['EventData'] : {};
  const kept = getPath(e, 'winlog.event_data');
  for (const [k, v] of Object.entries(data)) {
    if (k === '#attributes') continue;
    assert.ok(isObject(kept) && Object.hasOwn(kept, k), `${where}: event data ${k} not kept`);
    assert.equal(kept[k], dataText(v, `${where} ${k}`), `${where}: event data ${k}`);
  }
  if (isObject(ev['UserData'])) {
    const inner = Object.values(ev['UserData']).find(isObject);
    const keptUd = getPath(e, 'winlog.user_data');
    if (inner) {
      for (const [k, v] of Object.entries(inner)) {
        if (k === '#attributes' || isObject(v)) continue;
        assert.ok(isObject(keptUd) && Object.hasOwn(keptUd, k), `${where}: user data ${k} not kept`);
        assert.equal(keptUd[k], dataText(v, `${where} ${k}`), `${where}: user data ${k}`);
      }
    }
  }

  const id = Number(sys['EventID']);
  const security = provider === 'Microsoft-Windows-Security-Auditing' || sys['Channel'] === 'Security';
  const expect = sysmon ? SYSMON_ECS[id] : security ? SECURITY_ECS[id] : undefined;
  if (expect) {
    const d = id === 1102 && isObject(ev['UserData']) ? (Object.values(ev['UserData']).find(isObject) ?? {}) : data;
    expect(d, (path, want) => {
      assert.deepEqual(getPath(e, path), want, `${where}: ${path}`);
      const key = `${sysmon ? 'Sysmon' : 'Security'} ${id} ${path}`;
      tally.ecsChecks.set(key, (tally.ecsChecks.get(key) ?? 0) + 1);
    });
  }
  // the same event as Event XML (the `windows-xml` line format) maps to the same fields
  const xml = parseLine(toEventXml(ev));
  const strip = (x: EcsEvent): EcsEvent => {
    const c = structuredClone(x);
    delete c[F.message];
    if (isObject(c['event'])) delete c['event']['original'];
    return c;
  };
  assert.deepEqual(strip(xml), strip(e), `${where}: the Event XML form maps differently`);
  tally.events++;
  return { e, ev };
}

/** XML text of a value, line breaks as character references so that the event stays on one line. */
function xmlText(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.replace(/[&<>"\r\n\t]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One element of an evtx_dump object (`#attributes`, `#text`, children) as Event XML. */
function xmlElement(name: string, v: unknown): string {
  if (!isObject(v)) return v === null ? `<${name}/>` : `<${name}>${xmlText(v)}</${name}>`;
  const attrs = isObject(v['#attributes']) ? Object.entries(v['#attributes']).map(([k, a]) => ` ${k}="${xmlText(a)}"`).join('') : '';
  const inner = Object.entries(v).filter(([k]) => k !== '#attributes').map(([k, c]) => (k === '#text' ? xmlText(c) : xmlElement(k, c))).join('');
  return inner.length === 0 ? `<${name}${attrs}/>` : `<${name}${attrs}>${inner}</${name}>`;
}

/** The Event XML that evtx_dump's JSON was rendered from (EventData as `<Data Name=…>`), on one line. */
function toEventXml(ev: Obj): string {
  const data = isObject(ev['EventData']) ? Object.entries(ev['EventData']).filter(([k]) => k !== '#attributes') : undefined;
  const parts = Object.entries(ev).filter(([k]) => k !== '#attributes').map(([k, v]) => (k === 'EventData' && data ? `<EventData>${data.map(([n, d]) => (d === null ? `<Data Name="${xmlText(n)}"/>` : `<Data Name="${xmlText(n)}">${xmlText(d)}</Data>`)).join('')}</EventData>` : xmlElement(k, v)));
  return `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">${parts.join('')}</Event>`;
}

/** Where a Sigma field is found in a parsed event, or undefined. */
function reach(e: EcsEvent, field: string, systemNames: readonly string[]): string | undefined {
  if (systemNames.includes(field)) {
    const path = SYSTEM_FIELDS[field];
    assert.ok(path !== undefined, `Sigma System field ${field} has no Vigil location in this test`);
    return getPath(e, path) !== undefined ? path : undefined;
  }
  for (const base of ['winlog.event_data', 'winlog.user_data']) {
    const o = getPath(e, base);
    if (isObject(o) && Object.hasOwn(o, field)) return `${base}.${field}`;
  }
  return undefined;
}

/** True when the source event carries `field` (as named, or with spaces in its name) in EventData or UserData. */
function sourceHas(ev: Obj, field: string): boolean {
  const data = isObject(ev['EventData']) ? ev['EventData'] : {};
  const ud = isObject(ev['UserData']) ? (Object.values(ev['UserData']).find(isObject) ?? {}) : {};
  return [data, ud].some((o) => Object.keys(o).some((k) => k === field || k.replaceAll(' ', '') === field));
}

describe('SigmaHQ regression events through the line parser', { skip: !haveData && 'shared/data/sigma not present' }, () => {
  test('every event parses to its Windows fields, and every field its rule names is reachable', (t) => {
    const systemNames = systemFieldNames();
    for (const f of systemNames) assert.ok(Object.hasOwn(SYSTEM_FIELDS, f), `Sigma System field ${f} has no Vigil location`);
    const tally: Tally = { events: 0, rules: 0, fieldsChecked: 0, ecsChecks: new Map(), notInSource: [], where: new Map() };
    const all = cases();
    let files = 0;
    let windowsCases = 0;
    for (const c of all) {
      const jsonFiles = c.files.filter((f) => f.endsWith('.json'));
      if (jsonFiles.length === 0) continue;
      windowsCases++;
      const rulePath = ruleFile(c.ruleId);
      assert.ok(rulePath, `${c.dir}: rule ${c.ruleId} not found`);
      const rule = loadRule(rulePath);
      tally.rules++;
      for (const file of jsonFiles) {
        files++;
        const objects = splitJsonStream(readFileSync(file, 'utf8'));
        assert.ok(objects.length >= 1, `${file}: no events`);
        if (c.matchCount !== undefined) assert.ok(objects.length >= c.matchCount, `${file}: ${objects.length} events, rule expects ${c.matchCount} matches`);
        const found = new Map<string, string>();
        const sources: Obj[] = [];
        for (const [i, raw] of objects.entries()) {
          const where = `${file.slice(REGRESSION.length + 1)}#${i + 1}`;
          const { e, ev } = checkEvent(where, raw, tally);
          sources.push(ev);
          for (const field of rule.fields) {
            const at = reach(e, field, systemNames);
            if (at !== undefined) found.set(field, at);
            // a field the source event carries must never be lost by the parser
            else assert.ok(!sourceHas(ev, field), `${where}: rule field ${field} is in the source event but not reachable in the parsed event`);
          }
        }
        for (const field of rule.fields) {
          tally.fieldsChecked++;
          const at = found.get(field);
          if (at === undefined) {
            tally.notInSource.push(`${rule.title} (${c.ruleId}): ${field}`);
            continue;
          }
          const kind = at.startsWith('winlog.user_data.')
            ? 'user data (UserData events)'
            : at.startsWith('winlog.event_data.')
              ? sources.some((ev) => isObject(ev['EventData']) && Object.hasOwn(ev['EventData'], field))
                ? 'event data'
                : 'event data, by the name without spaces'
              : 'System';
          tally.where.set(kind, [...(tally.where.get(kind) ?? []), field]);
        }
      }
    }
    assert.ok(windowsCases >= 100, `only ${windowsCases} regression cases with JSON events`);
    t.diagnostic(`${all.length} regression cases; ${files} JSON files, ${tally.events} events (each also as Event XML), ${tally.rules} rules; ${tally.fieldsChecked} rule fields checked`);
    t.diagnostic(`ECS mapping checks: ${[...tally.ecsChecks].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    t.diagnostic(`rule fields found in: ${[...tally.where].map(([k, v]) => `${k} ×${v.length}${v.length <= 6 ? ` (${[...new Set(v)].join(', ')})` : ''}`).join('; ')}`);
    // fields the rule names but no event of its test carries (other branches of `1 of …`, filters): not the parser's
    t.diagnostic(`rule fields in none of the rule's events (absent from the source events too): ${tally.notInSource.length === 0 ? 'none' : tally.notInSource.join('; ')}`);
  });

  test('.jsoncls: an evtx_dump JSON copy of its sibling .json, parsing to the same events', (t) => {
    const copies = walk(REGRESSION).filter((f) => f.endsWith('.jsoncls'));
    assert.ok(copies.length >= 1, 'no .jsoncls file');
    for (const f of copies) {
      const sibling = f.replace(/\.jsoncls$/, '.json');
      const a = splitJsonStream(readFileSync(f, 'utf8')).map((o) => parseLine(oneLine(o)));
      const b = splitJsonStream(readFileSync(sibling, 'utf8')).map((o) => parseLine(oneLine(o)));
      assert.ok(a.length >= 1);
      assert.deepEqual(a, b, `${f} parses differently from ${sibling}`);
      for (const e of a) assert.equal(typeof getPath(e, 'winlog.event_id'), 'number', `${f}: not a Windows event`);
      t.diagnostic(`${f.slice(REGRESSION.length + 1)}: ${a.length} event(s), same as the .json`);
    }
  });

  test('.raw: a Cisco IOS log line, kept whole so that the keyword rule can match it', (t) => {
    const raws = walk(REGRESSION).filter((f) => f.endsWith('.raw'));
    assert.ok(raws.length >= 1, 'no .raw file');
    for (const f of raws) {
      const info = obj(parseYaml(readFileSync(join(f, '../info.yml'), 'utf8')), f);
      const meta = info['rule_metadata'];
      const first: unknown = Array.isArray(meta) ? meta[0] : undefined;
      const id = isObject(first) && typeof first['id'] === 'string' ? first['id'] : '';
      const rulePath = ruleFile(id);
      assert.ok(rulePath, `${f}: rule ${id} not found`);
      const rule = loadRule(rulePath);
      const lines = readFileSync(f, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
      assert.ok(lines.length >= 1);
      for (const line of lines) {
        const e = parseLine(line);
        // no Cisco IOS parser exists (`<ip> <seq>: <time>: %FAC-SEV-MNEMONIC: …` has no syslog header): the line is
        // kept as received, and a Sigma keyword rule searches the whole line
        assert.equal(getPath(e, F.eventOriginal), line);
        assert.equal(e[F.message], line);
        assert.ok(rule.keywords.some((k) => line.includes(k)), `${f}: none of the rule's keywords is in the line`);
        const tags = e[F.tags];
        const failed = Array.isArray(tags) && tags.includes(PARSE_FAILURE_TAG);
        t.diagnostic(`${f.slice(REGRESSION.length + 1)}: dataset ${String(getPath(e, F.eventDataset))}${failed ? `, ${PARSE_FAILURE_TAG} (no Cisco IOS parser)` : ''}; keyword rule matches event.original`);
      }
    }
  });
});
