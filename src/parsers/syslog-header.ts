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

const RFC5424 = /^(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: ([\s\S]*))?$/;
// `Mar  7 19:06:53`, also with a year after the day or after the time, a colon after the time, one space before it
// (all seen from real senders), and at the very end of a line (a header with no message).
const BSD_TS = /^ ?([A-Za-z]{3}) {1,2}(\d{1,2})(?: (\d{4}))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?: (\d{4}))?:?(?: |$)/;
const ISO_TS = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)(?: |$)/;
const TAG = /^([^\s:[\]]{1,64})(?:\[([^\]\s]{1,32})\])?: ?/;

function nil(v: string): string | undefined {
  return v === '-' ? undefined : v;
}

/** A year-less BSD time is put in the current year, or the last one if that would be more than a day ahead. */
export function resolveBsdTime(month: number, day: number, h: number, m: number, s: number, ms: number, now: number, year?: number): number {
  const y = year ?? new Date(now).getUTCFullYear();
  let t = Date.UTC(y, month, day, h, m, s, ms);
  if (year === undefined && t - now > 86_400_000) t = Date.UTC(y - 1, month, day, h, m, s, ms);
  return t;
}

function afterHostAndTag(rest: string, h: SyslogHeader): void {
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
  const pri = /^<(\d{1,3})>/.exec(rest);
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
    const t = Date.parse((iso[1] as string).replace(' ', 'T'));
    if (!Number.isNaN(t)) h.ts = t;
    afterHostAndTag(rest.slice(iso[0].length), h);
    return h;
  }
  if (pri) {
    afterHostAndTag(rest, h);
    return h;
  }
  return undefined;
}
