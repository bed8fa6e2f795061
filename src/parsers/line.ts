import type { Parser, RawRecord } from '../core/component.js';
import { addTag, getPath, noteCanonicalTime, setPath, type EcsEvent } from '../schema/event.js';
import { F, PARSE_FAILURE_TAG } from '../schema/fields.js';
import { parseSyslogHeader } from './syslog-header.js';
import type { LineFormat, MessageParser } from './message-parser.js';
import { anyProgramParsers, findFormat, LINE_FORMATS, parserForProgram } from './registry.js';

const MAX_LINE = 65536;

const DAY_MS = 86_400_000;
/** The UTC day of the last time written: its first instant and its `YYYY-MM-DDT` text. */
let day = { from: 0, to: -1, prefix: '' };

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The last instant written and its text: consecutive lines often share their time. */
let lastIso = { ms: NaN, iso: '' };

/**
 * `new Date(ms).toISOString()`, faster: the lines of a log mostly fall on one day, so the date text is kept and only
 * the time of day is formatted.
 */
function isoText(ms: number): string {
  if (ms === lastIso.ms) return lastIso.iso;
  const iso = isoTextOf(ms);
  lastIso = { ms, iso };
  return iso;
}

function isoTextOf(ms: number): string {
  if (ms >= day.from && ms < day.to && Number.isInteger(ms)) {
    let t = ms - day.from;
    const milli = t % 1000;
    t = (t - milli) / 1000;
    const sec = t % 60;
    t = (t - sec) / 60;
    const min = t % 60;
    const hour = (t - min) / 60;
    return `${day.prefix}${pad2(hour)}:${pad2(min)}:${pad2(sec)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  }
  const iso = new Date(ms).toISOString();
  // four-digit years only (others are written ±YYYYYY)
  if (iso.length === 24 && Number.isInteger(ms)) {
    const from = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
    day = { from, to: from + DAY_MS, prefix: iso.slice(0, 11) };
  }
  return iso;
}

/** `line` with the byte order mark the source left out at `at` put back. */
function withBom(line: string, at: number): string {
  return line.slice(0, at) + '\ufeff' + line.slice(at);
}

/**
 * The line parser: a syslog-style header (RFC 5424, RFC 3164, ISO-timestamped) mapped to ECS, with the message kept.
 * Lines it cannot read are kept whole in event.original and tagged _parse_failure.
 */
export class LineParser implements Parser {
  readonly name = 'line';
  constructor(private readonly now: () => number = Date.now) {}

  parse(record: RawRecord): EcsEvent {
    let line = record.message;
    const explicit = record.format !== undefined ? findFormat(record.format) : undefined;
    // a BOM the source left out of the text: put back unless the header below finds it at the start of a MSG
    let bomAt = record.bomAt;
    if (bomAt !== undefined && (explicit?.line !== undefined || line.length >= MAX_LINE || bomAt > line.length)) {
      line = withBom(line, bomAt);
      bomAt = undefined;
    }
    const truncated = line.length > MAX_LINE;
    if (truncated) line = line.slice(0, MAX_LINE);
    // what setPath(e, F.eventOriginal, line) makes of an empty event, without the path walk
    const ev: Record<string, unknown> = { original: line };
    const e: EcsEvent = { event: ev };
    // `log` is made directly too (as setPath would make it); the syslog header adds to it below
    let log: Record<string, unknown> | undefined;
    if (record.peer) {
      log = { source: { address: `${record.peer.address}:${record.peer.port}` } };
      e['log'] = log;
    }
    if (record.file) {
      if (!log) e['log'] = log = {};
      log['file'] = { path: record.file };
    }
    if (truncated) addTag(e, '_truncated');
    if (record.tags) for (const t of record.tags) addTag(e, t);
    if (explicit?.line) return this.wholeLine(line, e, [explicit.line], true);
    let h = parseSyslogHeader(line, this.now());
    if (bomAt !== undefined && h?.msgAt !== bomAt) {
      line = withBom(line, bomAt);
      ev['original'] = line;
      h = parseSyslogHeader(line, this.now());
    }
    if (!h) return this.wholeLine(line, e, LINE_FORMATS);
    if (h.bomAt !== undefined) {
      // the BOM that began MSG marks its encoding; it is not text, in the message or in event.original
      line = line.slice(0, h.bomAt) + line.slice(h.bomAt + 1);
      ev['original'] = line;
    }
    e[F.message] = h.message;
    if (h.ts !== undefined) {
      const iso = isoText(h.ts);
      e[F.timestamp] = iso;
      noteCanonicalTime(iso, h.ts);
    }
    // `host` and `process` are not set yet: they are made directly (as setPath would make them)
    if (h.hostname !== undefined) e['host'] = { hostname: h.hostname, name: h.hostname };
    let proc: Record<string, unknown> | undefined;
    /** log.syslog, once made */
    let syslog: Record<string, unknown> | undefined;
    if (h.appname !== undefined) {
      proc = { name: h.appname };
      e['process'] = proc;
      syslog = { appname: h.appname };
      if (log) log['syslog'] = syslog;
      else e['log'] = log = { syslog };
    }
    if (h.procid !== undefined) {
      const pid = Number(h.procid);
      if (Number.isInteger(pid)) {
        if (proc) proc['pid'] = pid;
        else e['process'] = { pid };
      }
    }
    if (h.pri !== undefined || h.version !== undefined || h.msgid !== undefined || h.structuredData !== undefined) {
      // log.syslog.* made directly, in the order (and so the key order) the setPath calls for each field made them
      if (!syslog) {
        syslog = {};
        if (log) log['syslog'] = syslog;
        else e['log'] = log = { syslog };
      }
      if (h.pri !== undefined) {
        syslog['priority'] = h.pri;
        syslog['facility'] = { code: h.pri >> 3 };
        syslog['severity'] = { code: h.pri & 7 };
      }
      if (h.version !== undefined) syslog['version'] = String(h.version);
      if (h.msgid !== undefined) syslog['msgid'] = h.msgid;
      if (h.structuredData !== undefined) syslog['structured_data_raw'] = h.structuredData;
    }
    const own = explicit?.message ?? (h.appname !== undefined ? this.programParser(h.appname) : undefined);
    let dataset = own?.dataset ?? 'syslog';
    if (!own?.parse(h.message, e)) {
      for (const p of anyProgramParsers()) {
        if (p === own || !p.parse(h.message, e)) continue;
        if (!own) dataset = p.dataset;
        break;
      }
    }
    // parsers add to `event` through setPath, which keeps this object: set the dataset on it directly
    if (e['event'] === ev) ev['dataset'] = dataset;
    else setPath(e, F.eventDataset, dataset);
    return e;
  }

  /** The last program name routed and its parser (a log mostly repeats a few programs; the routing is static). */
  private lastProgram: { appname: string; parser: MessageParser | undefined } = { appname: '', parser: undefined };

  private programParser(appname: string): MessageParser | undefined {
    const last = this.lastProgram;
    if (last.appname === appname && appname !== '') return last.parser;
    const parser = parserForProgram(appname);
    this.lastProgram = { appname, parser };
    return parser;
  }

  /** A line without a syslog header: the first whole-line format that recognises it, or kept raw as a failure. */
  private wholeLine(line: string, e: EcsEvent, formats: readonly LineFormat[], chosen = false): EcsEvent {
    for (const f of formats) {
      if ((!chosen && !f.sniff(line)) || !f.parse(line, e)) continue;
      if (e[F.message] === undefined) e[F.message] = line;
      // a format that knows the dataset of this very line (zeek.dns, windows.sysmon, …) has set it already
      if (typeof getPath(e, F.eventDataset) !== 'string') setPath(e, F.eventDataset, f.dataset);
      return e;
    }
    e[F.message] = line;
    setPath(e, F.eventDataset, 'generic');
    setPath(e, F.errorMessage, formats.length === 1 ? `not a ${formats[0]?.name ?? ''} line: kept as received` : 'no known header: line kept as received');
    addTag(e, PARSE_FAILURE_TAG);
    return e;
  }
}
