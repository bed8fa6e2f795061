import { F } from '../schema/fields.js';
import { resolveBsdTime } from './syslog-header.js';
import { daemonLineFormat, digitsAt, monthOf, type DaemonLine } from './daemon-line.js';
import { authFailure, fieldsParser, type Fields } from './service-fields.js';

// `HttpRequest: access denied -- client 192.0.2.4: wrong password for user 'admin'` (also `client [192.0.2.4]`)
const DENIED = /^(?:error +: )?HttpRequest: access denied -- client \[?([0-9A-Fa-f:.]{2,45})\]?: (empty password|unknown user '([^']+)'|wrong password for user '([^']*)')$/;
// older releases: `Warning: Client '192.0.2.4' supplied unknown user 'foo' accessing monit httpd`
const OLD = /^(?:error +: )?Warning: Client '([0-9A-Fa-f:.]{2,45})' supplied (unknown user|wrong password for user) '([^']*)' accessing monit httpd$/;

export function monitFields(message: string): Fields | undefined {
  const m = DENIED.exec(message);
  if (m) {
    const action = m[3] !== undefined ? 'unknown_user' : m[4] !== undefined ? 'wrong_password' : 'empty_password';
    return authFailure(action, m[1], m[3] ?? m[4]);
  }
  const o = OLD.exec(message);
  if (o) return authFailure(o[2] === 'unknown user' ? 'unknown_user' : 'wrong_password', o[1], o[3]);
  // A request without credentials (no header, empty user name) is the browser's first step, not a login attempt.
  return undefined;
}

/** Monit's web interface: failed logins. */
export const monitParser = fieldsParser({ name: 'monit', dataset: 'monit', programs: ['monit'] }, monitFields);

/** Offsets (minutes east of UTC) of the zone abbreviations monit writes; a line in another zone gets no @timestamp. */
const ZONES: Record<string, number> = {
  UTC: 0, GMT: 0, WET: 0, WEST: 60, BST: 60, CET: 60, CEST: 120, EET: 120, EEST: 180, MSK: 180,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420, AKST: -540, AKDT: -480,
  HST: -600, JST: 540, KST: 540, AEST: 600, AEDT: 660,
};
// `[PDT Apr 16 21:05:29] error    : text` (monit's own log file)
const LOG_LINE = /^\[([A-Z]{2,5}) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})\] ([a-z]{1,10}) {0,8}: /;

export function readMonitLog(line: string): DaemonLine | undefined {
  const m = LOG_LINE.exec(line);
  if (!m) return undefined;
  const month = monthOf(m[2] as string);
  if (month < 0) return undefined;
  const offset = ZONES[m[1] as string];
  const local = resolveBsdTime(month, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), 0, Date.now());
  const message = line.slice(m[0].length);
  const fields = monitFields(message) ?? {};
  fields[F.logLevel] = m[7];
  return offset !== undefined ? { ts: local - offset * 60_000, fields, message } : { fields, message };
}

/** `[ZONE Mon DD hh:mm:ss] `: a bracket, a zone abbreviation, then the time at fixed places after its space. */
export function sniffMonitLog(line: string): boolean {
  if (line.charCodeAt(0) !== 91) return false;
  let sp = 3;
  while (sp <= 6 && line.charCodeAt(sp) !== 32) sp++;
  return sp <= 6 && sp <= 6 && line.charCodeAt(sp + 16) === 93 && line.charCodeAt(sp + 10) === 58 && digitsAt(line, [sp + 8, sp + 9, sp + 11, sp + 12, sp + 14, sp + 15]);
}

/** Monit's own log file (`set log /var/log/monit.log`), without a syslog header. */
export const monitLogFormat = daemonLineFormat({ name: 'monit-log', dataset: 'monit' }, sniffMonitLog, readMonitLog);
