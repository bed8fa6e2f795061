/** Splits the syslog header of a line (RFC 5424, RFC 3164 with or without PRI, or an ISO-timestamped line). */
export interface SyslogHeader {
  pri?: number;
  version?: number;
  /** epoch ms, when the line had a usable time */
  ts?: number;
  hostname?: string;
  appname?: string;
  procid?: string;
  msgid?: string;
  structuredData?: string;
  message: string;
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

// Structured data: param values are quoted and may hold ']' (escaped quotes inside); the alternatives start with
// different characters, so matching stays linear.
const RFC5424 = /^(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\"]|\\.|"(?:[^"\\]|\\.)*")*\])+)(?: ([\s\S]*))?$/;
// `Mar  7 19:06:53`, also with a year after the day or after the time, a colon after the time, one space before it
// (all seen from real senders), and at the very end of a line (a header with no message).
const BSD_TS = /^ ?([A-Za-z]{3}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?: (\d{4}))?:?(?: |$)/;
const ISO_TS = /^(\d{4}-\d{2}-\d{2})[T ] ?(\d{1,2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?(?: |$)/;
/** MySQL's own error log: `130324 19:01:39` (YYMMDD); the rest of the line is the message. */
const YYMMDD_TS = /^(\d{2})(\d{2})(\d{2}) {1,2}(\d{1,2}):(\d{2}):(\d{2}) /;
/** BIND's own log file: `11-Aug-2013 03:36:11.372`; the rest of the line is the message. */
const BIND_TS = /^(\d{2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? /;
/** No time at all (journal exports, some relays): `host prog[pid]: msg` or `prog[pid]: msg`; the [pid] is required. */
const NO_TS = /^(?:([^\s[\]]{1,255}) )?([^\s:[\]]{1,64})\[(\d{1,10})\]: /;
/** A program name in brackets with no hostname: `[sshd]: msg` or `[sshd] msg`. */
const BRACKET_TAG = /^\[([^\s\]]{1,64})\]:? /;
const TAG = /^([^\s:[\]]{1,64})(?:\[([^\]\s]{1,32})\])?: ?/;

function nil(v: string): string | undefined {
  return v === '-' ? undefined : v;
}

/** The UTC year of `now`, remembered with the span of that year (`now` moves slowly). */
let yearMemo = { from: 0, to: -1, year: 0 };
function utcYear(now: number): number {
  if (now >= yearMemo.from && now < yearMemo.to) return yearMemo.year;
  const year = new Date(now).getUTCFullYear();
  yearMemo = { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1), year };
  return year;
}

/** A year-less BSD time is put in the current year, or the last one if that would be more than a day ahead. */
export function resolveBsdTime(month: number, day: number, h: number, m: number, s: number, ms: number, now: number, year?: number): number {
  const y = year ?? utcYear(now);
  let t = Date.UTC(y, month, day, h, m, s, ms);
  if (year === undefined && t - now > 86_400_000) t = Date.UTC(y - 1, month, day, h, m, s, ms);
  return t;
}

function afterHostAndTag(rest: string, h: SyslogHeader): void {
  const bracket = rest.charCodeAt(0) === 91 ? BRACKET_TAG.exec(rest) : null;
  if (bracket) {
    h.appname = bracket[1] as string;
    h.message = rest.slice(bracket[0].length);
    return;
  }
  // "host tag[pid]: msg" or "tag[pid]: msg" (no hostname)
  const tagFirst = TAG.exec(rest);
  if (tagFirst) {
    h.appname = tagFirst[1] as string;
    if (tagFirst[2] !== undefined) h.procid = tagFirst[2];
    h.message = rest.slice(tagFirst[0].length);
    return;
  }
  const sp = rest.indexOf(' ');
  if (sp > 0) {
    h.hostname = rest.slice(0, sp);
    const after = rest.slice(sp + 1);
    const tag = TAG.exec(after);
    if (tag) {
      h.appname = tag[1] as string;
      if (tag[2] !== undefined) h.procid = tag[2];
      h.message = after.slice(tag[0].length);
    } else h.message = after;
  } else h.message = rest;
}

export function parseSyslogHeader(line: string, now: number): SyslogHeader | undefined {
  let rest = line;
  const h: SyslogHeader = { message: line };
  const pri = rest.charCodeAt(0) === 60 ? /^<(\d{1,3})>/.exec(rest) : null;
  if (pri) {
    const p = Number(pri[1]);
    if (p > 191) return undefined;
    h.pri = p;
    rest = rest.slice(pri[0].length);
    const m = RFC5424.exec(rest);
    if (m) {
      h.version = Number(m[1]);
      const ts = nil(m[2] as string);
      if (ts !== undefined) {
        const t = Date.parse(ts);
        if (!Number.isNaN(t)) h.ts = t;
      }
      const host = nil(m[3] as string);
      const app = nil(m[4] as string);
      const proc = nil(m[5] as string);
      const msgid = nil(m[6] as string);
      if (host !== undefined) h.hostname = host;
      if (app !== undefined) h.appname = app;
      if (proc !== undefined) h.procid = proc;
      if (msgid !== undefined) h.msgid = msgid;
      if (m[7] !== '-') h.structuredData = m[7] as string;
      h.message = (m[8] ?? '').replace(/^\uFEFF/, '');
      return h;
    }
  }
  const bsd = BSD_TS.exec(rest);
  if (bsd) {
    const month = MONTHS[(bsd[1] as string).toLowerCase()];
    if (month === undefined) return undefined;
    const ms = bsd[7] ? Math.floor(Number(`0.${bsd[7]}`) * 1000) : 0;
    const year = bsd[3] ?? bsd[8];
    h.ts = resolveBsdTime(month, Number(bsd[2]), Number(bsd[4]), Number(bsd[5]), Number(bsd[6]), ms, now, year ? Number(year) : undefined);
    afterHostAndTag(rest.slice(bsd[0].length), h);
    return h;
  }
  const iso = ISO_TS.exec(rest);
  if (iso) {
    // no zone means UTC
    const text = `${iso[1] as string}T${(iso[2] as string).padStart(2, '0')}:${iso[3] as string}:${iso[4] as string}${iso[5] ?? ''}${iso[6] ?? 'Z'}`;
    const t = Date.parse(text);
    if (!Number.isNaN(t)) h.ts = t;
    afterHostAndTag(rest.slice(iso[0].length), h);
    return h;
  }
  if (pri) {
    afterHostAndTag(rest, h);
    return h;
  }
  const ymd = YYMMDD_TS.exec(rest);
  if (ymd) {
    const [mo, d] = [Number(ymd[2]) - 1, Number(ymd[3])];
    if (mo > 11 || d < 1 || d > 31) return undefined;
    h.ts = Date.UTC(2000 + Number(ymd[1]), mo, d, Number(ymd[4]), Number(ymd[5]), Number(ymd[6]));
    h.message = rest.slice(ymd[0].length);
    return h;
  }
  const bind = BIND_TS.exec(rest);
  if (bind) {
    const month = MONTHS[(bind[2] as string).toLowerCase()];
    if (month === undefined) return undefined;
    const ms = bind[7] ? Math.floor(Number(`0.${bind[7]}`) * 1000) : 0;
    h.ts = Date.UTC(Number(bind[3]), month, Number(bind[1]), Number(bind[4]), Number(bind[5]), Number(bind[6]), ms);
    h.message = rest.slice(bind[0].length);
    return h;
  }
  const bare = NO_TS.exec(rest) ?? BRACKET_TAG.exec(rest);
  if (bare) {
    afterHostAndTag(rest, h);
    return h;
  }
  return undefined;
}
