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
  /** RFC 5424: where in the line MSG begins */
  msgAt?: number;
  /** RFC 5424: where in the line the BOM that began MSG was (it is not part of the message) */
  bomAt?: number;
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/**
 * The RFC 5424 header after PRI, up to the space before MSG or the end of the line: MSG itself is sliced off, not
 * matched (the regex would read it to its end: 0.50 → 0.34 µs on a 300-byte loggen line). Structured data: param
 * values are quoted and may hold ']' (escaped quotes inside); the alternatives start with different characters, so
 * matching stays linear.
 */
const RFC5424 = /^(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\"]|\\.|"(?:[^"\\]|\\.)*")*\])+)(?= |$)/;
// `Mar  7 19:06:53`, also with a year after the day or after the time, a colon after the time, one space before it
// (all seen from real senders), and at the very end of a line (a header with no message).
const BSD_TS = /^ ?([A-Za-z]{3}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?: (\d{4}))?:?(?: |$)/;
// the zone as an offset, Z, or the names UTC and GMT after a space
const ISO_TS = /^(\d{4}-\d{2}-\d{2})[T ] ?(\d{1,2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2}| UTC| GMT)?(?: |$)/;
/** A BSD time in brackets: `[Jun 21 16:55:03] `. */
const BRACKET_BSD_TS = /^\[([A-Za-z]{3}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\] /;
/** MySQL's own error log: `130324 19:01:39` (YYMMDD); the rest of the line is the message. */
const YYMMDD_TS = /^(\d{2})(\d{2})(\d{2}) {1,2}(\d{1,2}):(\d{2}):(\d{2}) /;
/** BIND's own log file: `11-Aug-2013 03:36:11.372`; the rest of the line is the message. */
const BIND_TS = /^(\d{2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? /;
/** No time at all (journal exports, some relays): `host prog[pid]: msg` or `prog[pid]: msg`; the [pid] is required. */
const NO_TS = /^(?:([^\s[\]]{1,255}) )?([^\s:[\]]{1,64})\[(\d{1,10})\]: /;
/** A program name in brackets: `[sshd]: msg`, `[sshd] msg`, `[sshd][42] msg`. */
const BRACKET_TAG = /^\[([^\s\]]{1,64})\](?:\[(\d{1,10})\])?:? /;
/**
 * A tag without its colon, as some daemons write it after a host: `name[pid] msg`, `name(module)[pid] msg`, or
 * `name(pam_module) msg` (a bare word is not taken for a tag).
 */
const LOOSE_TAG = /^([^\s:[\]()]{1,64}(?:\(pam_[\w-]{1,32}\)|\([\w-]{1,32}\)(?=\[))?)(?:\[(\d{1,10})\])? +/;
/** After a kernel tag: the kernel's own time and a Linux-VServer guest, then the guest daemon's tag. */
const VSERVER = /^(?:\[ *\d+\.\d+\] )?@vserver_(\S{1,64}) +/;
/** Solaris message ids after the tag: `[ID 800047 auth.info] msg`. */
const SOLARIS_ID = /^\[ID (\d{1,10}) [\w.]{1,32}\] +/;
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

/** The first instant of the last UTC day asked for (the lines of a log mostly share their day). */
let dayMemo = { y: NaN, month: NaN, day: NaN, ms: NaN };
function utcDay(y: number, month: number, day: number): number {
  const d = dayMemo;
  if (d.y === y && d.month === month && d.day === day) return d.ms;
  const ms = Date.UTC(y, month, day);
  dayMemo = { y, month, day, ms };
  return ms;
}

/**
 * Date.UTC(y, month, day, h, m, s, ms) for whole numbers in the ranges a header can hold: the day's first instant plus
 * the time of day, which is how Date.UTC computes it (MakeDate(MakeDay, MakeTime)).
 */
function utcTime(y: number, month: number, day: number, h: number, m: number, s: number, ms: number): number {
  return utcDay(y, month, day) + h * 3_600_000 + m * 60_000 + s * 1000 + ms;
}

/** A year-less BSD time is put in the current year, or the last one if that would be more than a day ahead. */
export function resolveBsdTime(month: number, day: number, h: number, m: number, s: number, ms: number, now: number, year?: number): number {
  const y = year ?? utcYear(now);
  // whole numbers (what the header patterns give): the day's instant is remembered; anything else as Date.UTC reads it
  const whole = Number.isInteger(y) && Number.isInteger(month) && Number.isInteger(day) && Number.isInteger(h) && Number.isInteger(m) && Number.isInteger(s) && Number.isInteger(ms) && Math.abs(y) < 100_000;
  const utc = whole ? utcTime : Date.UTC;
  let t = utc(y, month, day, h, m, s, ms);
  if (year === undefined && t - now > 86_400_000) t = utc(y - 1, month, day, h, m, s, ms);
  return t;
}

/** Month number of three ASCII letters in any case (their codes with the lower-case bit set), as MONTHS reads them. */
const MONTH_CODES = new Map<number, number>(Object.entries(MONTHS).map(([k, v]) => [((k.charCodeAt(0) | 32) << 16) | ((k.charCodeAt(1) | 32) << 8) | (k.charCodeAt(2) | 32), v]));

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function digits2(s: string, i: number): number {
  return (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;
}

/**
 * The common BSD header `Mmm dd hh:mm:ss ` (or `Mmm d hh:mm:ss `, `Mmm  d …`) read without the BSD_TS pattern:
 * its length, month, day and time, or undefined for anything else (a year, fractions, a colon after the time, a
 * leading space …), which BSD_TS then reads. Where it answers, it answers as BSD_TS does.
 */
export function simpleBsd(s: string): { len: number; month: number | undefined; day: number; h: number; m: number; sec: number } | undefined {
  const c0 = s.charCodeAt(0);
  const c1 = s.charCodeAt(1);
  const c2 = s.charCodeAt(2);
  if (!isLetter(c0) || !isLetter(c1) || !isLetter(c2) || s.charCodeAt(3) !== 32) return undefined;
  let i = 4;
  if (s.charCodeAt(i) === 32) i++;
  if (!isDigit(s.charCodeAt(i))) return undefined;
  let day = s.charCodeAt(i) - 48;
  i++;
  if (isDigit(s.charCodeAt(i))) {
    day = day * 10 + s.charCodeAt(i) - 48;
    i++;
  }
  // " hh:mm:ss"
  if (s.charCodeAt(i) !== 32 || !isDigit(s.charCodeAt(i + 1)) || !isDigit(s.charCodeAt(i + 2)) || s.charCodeAt(i + 3) !== 58) return undefined;
  if (!isDigit(s.charCodeAt(i + 4)) || !isDigit(s.charCodeAt(i + 5)) || s.charCodeAt(i + 6) !== 58 || !isDigit(s.charCodeAt(i + 7)) || !isDigit(s.charCodeAt(i + 8))) return undefined;
  const end = i + 9;
  let len: number;
  if (end === s.length) len = end;
  else if (s.charCodeAt(end) === 32 && !isDigit(s.charCodeAt(end + 1))) len = end + 1;
  else return undefined;
  const month = MONTH_CODES.get(((c0 | 32) << 16) | ((c1 | 32) << 8) | (c2 | 32));
  return { len, month, day, h: digits2(s, i + 1), m: digits2(s, i + 4), sec: digits2(s, i + 7) };
}

/** Whitespace as `\s` reads it, for ASCII; other characters above 127 make the caller use the pattern. */
function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * TAG.exec(s) without the pattern, for ASCII text: `name[pid]: ` or `name: `; the length matched, the name and pid.
 * Text with a character above 127 in the part read goes to TAG itself (`\s` knows more spaces than ASCII's).
 */
export function matchTag(s: string): { len: number; name: string; pid: string | undefined } | undefined {
  let i = 0;
  const max = Math.min(s.length, 64);
  let c = 0;
  for (; i < max; i++) {
    c = s.charCodeAt(i);
    if (c > 127) return patternTag(s);
    if (c === 58 || c === 91 || c === 93 || isAsciiSpace(c)) break;
  }
  if (i === 0) return undefined;
  let pid: string | undefined;
  let j = i;
  if (i < s.length && s.charCodeAt(i) === 91) {
    // "[pid]": 1 to 32 characters that are neither ']' nor whitespace
    let k = i + 1;
    const kmax = Math.min(s.length, k + 32);
    for (; k < kmax; k++) {
      c = s.charCodeAt(k);
      if (c > 127) return patternTag(s);
      if (c === 93 || isAsciiSpace(c)) break;
    }
    if (k === i + 1 || k >= s.length || s.charCodeAt(k) !== 93) return undefined;
    pid = s.slice(i + 1, k);
    j = k + 1;
  }
  if (j >= s.length || s.charCodeAt(j) !== 58) return undefined;
  let len = j + 1;
  if (s.charCodeAt(len) === 32) len++;
  return { len, name: s.slice(0, i), pid };
}

function patternTag(s: string): { len: number; name: string; pid: string | undefined } | undefined {
  const m = TAG.exec(s);
  return m ? { len: m[0].length, name: m[1] as string, pid: m[2] } : undefined;
}

/** FreeBSD syslogd -v / -vv write the priority after the time: `<4.3> ` (facility.severity) or `<auth.info> `. */
const BSD_VERBOSE = /^ {0,4}<(?:(\d{1,2})\.(\d)|[a-z0-9]{1,10}\.[a-z]{1,10})> /;

/** What follows a BSD time: FreeBSD's verbose priority if present, then host and tag. */
function afterBsdTime(after: string, h: SyslogHeader): void {
  const c = after.charCodeAt(0);
  const verbose = c === 60 || c === 32 ? BSD_VERBOSE.exec(after) : null;
  if (verbose) {
    after = after.slice(verbose[0].length);
    if (verbose[1] !== undefined && h.pri === undefined) h.pri = Number(verbose[1]) * 8 + Number(verbose[2]);
  }
  afterHostAndTag(after, h);
}

type Tag = { len: number; name: string; pid: string | undefined };

function bracketTag(s: string): Tag | undefined {
  const m = s.charCodeAt(0) === 91 ? BRACKET_TAG.exec(s) : null;
  return m ? { len: m[0].length, name: m[1] as string, pid: m[2] } : undefined;
}

/** A number where the host would be: MySQL's thread id. */
const THREAD_ID = /^\d+$/;

/** Log levels some programs write in brackets where a tag could be: `host [ERROR] msg` has no program name. */
const LEVEL_WORD = /^(?:trace|debug|info|notice|note|warn|warning|error|err|crit|critical|alert|emerg|fatal|severe)$/i;

/** A tag after a host: with its colon, in brackets (not a log level), or one of the colon-less forms of LOOSE_TAG. */
function hostTag(s: string): Tag | undefined {
  const colon = matchTag(s);
  if (colon) return colon;
  const bracket = bracketTag(s);
  if (bracket) return LEVEL_WORD.test(bracket.name) ? undefined : bracket;
  const m = LOOSE_TAG.exec(s);
  return m && (m[2] !== undefined || (m[1] as string).endsWith(')')) ? { len: m[0].length, name: m[1] as string, pid: m[2] } : undefined;
}

function setTag(h: SyslogHeader, tag: Tag, text: string): void {
  h.appname = tag.name;
  if (tag.pid !== undefined) h.procid = tag.pid;
  h.message = text.slice(tag.len);
}

/** What may follow a tag: a VServer guest's own tag after the kernel's, a Solaris message id. */
function afterTag(h: SyslogHeader): void {
  let msg = h.message;
  if (msg.charCodeAt(0) === 91 || msg.charCodeAt(0) === 64) {
    const vs = h.appname === 'kernel' || msg.charCodeAt(0) === 64 ? VSERVER.exec(msg) : null;
    if (vs) {
      const rest = msg.slice(vs[0].length);
      const inner = hostTag(rest);
      if (inner) {
        // the guest daemon's tag replaces the kernel's
        if (inner.pid === undefined) delete h.procid;
        setTag(h, inner, rest);
        msg = h.message;
      }
    }
    const id = msg.charCodeAt(0) === 91 ? SOLARIS_ID.exec(msg) : null;
    if (id) {
      h.msgid ??= id[1] as string;
      h.message = msg.slice(id[0].length);
    }
  }
}

function afterHostAndTag(rest: string, h: SyslogHeader): void {
  const bracket = bracketTag(rest);
  if (bracket) {
    setTag(h, bracket, rest);
    afterTag(h);
    return;
  }
  // "host tag[pid]: msg" or "tag[pid]: msg" (no hostname)
  const tagFirst = matchTag(rest);
  if (tagFirst) {
    setTag(h, tagFirst, rest);
    afterTag(h);
    return;
  }
  const sp = rest.indexOf(' ');
  if (sp > 0) {
    h.hostname = rest.slice(0, sp);
    const after = rest.slice(sp + 1);
    // `2019-09-24 13:16:50 8756 [Warning] …` (MySQL): a number is a thread id, and what follows it is no tag
    const tag = THREAD_ID.test(h.hostname) ? matchTag(after) : hostTag(after);
    if (tag) {
      setTag(h, tag, after);
      afterTag(h);
    } else h.message = after;
  } else h.message = rest;
}

/** The last RFC 5424 time text parsed and its instant (the lines of a stream mostly share their second). */
let stampMemo = { text: '', ms: NaN };

/** Date.parse(text), remembered for the last text. */
function parseStamp(text: string): number {
  if (text === stampMemo.text) return stampMemo.ms;
  const ms = Date.parse(text);
  stampMemo = { text, ms };
  return ms;
}

/** The length of a leading `<PRI>` (one to three ASCII digits in angle brackets), or 0: /^<(\d{1,3})>/ by hand. */
function priLength(s: string): number {
  if (s.charCodeAt(0) !== 60) return 0;
  let i = 1;
  while (i <= 3) {
    // past the end charCodeAt is NaN, which is no digit either
    if (!isDigit(s.charCodeAt(i))) break;
    i++;
  }
  return i > 1 && s.charCodeAt(i) === 62 ? i + 1 : 0;
}

/** The number between the angle brackets of a `<PRI>` of length `len`. */
function priValue(s: string, len: number): number {
  let v = 0;
  for (let i = 1; i < len - 1; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
}

export function parseSyslogHeader(line: string, now: number): SyslogHeader | undefined {
  let rest = line;
  const h: SyslogHeader = { message: line };
  const priEnd = priLength(rest);
  if (priEnd > 0) {
    const p = priValue(rest, priEnd);
    if (p > 191) return undefined;
    h.pri = p;
    rest = rest.slice(priEnd);
    const m = RFC5424.exec(rest);
    if (m) {
      h.version = Number(m[1]);
      const ts = nil(m[2] as string);
      if (ts !== undefined) {
        const t = parseStamp(ts);
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
      // a relay that turns an RFC 3164 line into RFC 5424 (rsyslog) keeps the space after the old tag: not message text
      const hasMsg = m[0].length < rest.length;
      let msg = hasMsg ? rest.slice(m[0].length + 1) : '';
      const msgAt = line.length - msg.length;
      if (hasMsg) h.msgAt = msgAt;
      if (msg.charCodeAt(0) === 0xfeff) {
        h.bomAt = msgAt;
        msg = msg.slice(1);
      }
      let i = 0;
      while (msg.charCodeAt(i) === 32) i++;
      h.message = i > 0 ? msg.slice(i) : msg;
      return h;
    }
  }
  const simple = simpleBsd(rest);
  if (simple) {
    if (simple.month === undefined) return undefined;
    h.ts = resolveBsdTime(simple.month, simple.day, simple.h, simple.m, simple.sec, 0, now);
    afterBsdTime(rest.slice(simple.len), h);
    return h;
  }
  const bsd = BSD_TS.exec(rest);
  if (bsd) {
    const month = MONTHS[(bsd[1] as string).toLowerCase()];
    if (month === undefined) return undefined;
    const ms = bsd[7] ? Math.floor(Number(`0.${bsd[7]}`) * 1000) : 0;
    const year = bsd[3] ?? bsd[8];
    h.ts = resolveBsdTime(month, Number(bsd[2]), Number(bsd[4]), Number(bsd[5]), Number(bsd[6]), ms, now, year ? Number(year) : undefined);
    afterBsdTime(rest.slice(bsd[0].length), h);
    return h;
  }
  const bracketed = rest.charCodeAt(0) === 91 ? BRACKET_BSD_TS.exec(rest) : null;
  if (bracketed) {
    const month = MONTHS[(bracketed[1] as string).toLowerCase()];
    if (month === undefined) return undefined;
    const ms = bracketed[7] ? Math.floor(Number(`0.${bracketed[7]}`) * 1000) : 0;
    h.ts = resolveBsdTime(month, Number(bracketed[2]), Number(bracketed[4]), Number(bracketed[5]), Number(bracketed[6]), ms, now, bracketed[3] ? Number(bracketed[3]) : undefined);
    afterBsdTime(rest.slice(bracketed[0].length), h);
    return h;
  }
  const iso = ISO_TS.exec(rest);
  if (iso) {
    // no zone means UTC, as do the names UTC and GMT
    const zone = iso[6] === undefined || iso[6] === ' UTC' || iso[6] === ' GMT' ? 'Z' : iso[6];
    const text = `${iso[1] as string}T${(iso[2] as string).padStart(2, '0')}:${iso[3] as string}:${iso[4] as string}${iso[5] ?? ''}${zone}`;
    const t = Date.parse(text);
    if (!Number.isNaN(t)) h.ts = t;
    afterHostAndTag(rest.slice(iso[0].length), h);
    return h;
  }
  if (priEnd > 0) {
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
