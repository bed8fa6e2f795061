import { F } from '../schema/fields.js';
import { resolveBsdTime } from './syslog-header.js';
import { daemonLineFormat, digitsAt, fractionMs, type DaemonLine } from './daemon-line.js';
import { authFailure, fieldsParser, setSource, type Fields } from './service-fields.js';

// `[WARNING] sofia_reg.c:1478 SIP auth failure (INVITE) on sofia profile 'internal' for [1001@192.168.2.51] from ip 192.0.2.6`
const AUTH = /SIP auth (failure|challenge) \(([A-Z]{1,16})\) on sofia profile '([^']{0,128})' for \[([^@\]]{0,256})@([^\]]{0,256})\] from ip ([0-9A-Fa-f:.]{2,45})$/;
// `[WARNING] sofia_reg.c:2531 Can't find user [1001@192.168.2.51] from 192.0.2.6`
const NO_USER = /Can't find user \[([^@\]]{0,256})@([^\]]{0,256})\] from ([0-9A-Fa-f:.]{2,45})$/;

export function freeswitchFields(message: string): Fields | undefined {
  const a = AUTH.exec(message);
  if (a) {
    const f = authFailure(`sip_auth_${a[1] as string}`, a[6], a[4]);
    // A digest challenge is the normal first step of a SIP login; only the failure is a failed attempt.
    if (a[1] === 'challenge') f['event.outcome'] = 'unknown';
    f['sip.method'] = a[2];
    f['sip.profile'] = a[3];
    f['destination.domain'] = a[5];
    return f;
  }
  const n = NO_USER.exec(message);
  if (n) {
    const f = authFailure('unknown_user', undefined, n[1]);
    setSource(f, n[3]);
    f['destination.domain'] = n[2];
    return f;
  }
  return undefined;
}

/** FreeSWITCH (mod_sofia) SIP authentication failures and unknown users. */
export const freeswitchParser = fieldsParser({ name: 'freeswitch', dataset: 'freeswitch', programs: ['freeswitch'] }, freeswitchFields);

/**
 * FreeSWITCH's own log text after a time the syslog header reader took (`[WARNING] sofia_reg.c:…`, read as program
 * `WARNING`), or after a CPU-idle figure it took for a host name (`00.00% [WARNING] …` leaves `[WARNING] sofia_reg.c:…`).
 * The program name is no guide here, so this parser is tried for every program; it looks at two characters first.
 */
export function freeswitchConsoleFields(message: string): Fields | undefined {
  const c = message.charCodeAt(0);
  if (c === 115) return message.startsWith('sofia_reg.c:') ? freeswitchFields(message) : undefined;
  if (c !== 91 || message.charCodeAt(1) < 65 || message.charCodeAt(1) > 90) return undefined;
  let close = 2;
  while (close < 12 && message.charCodeAt(close) !== 93) close++;
  if (message.charCodeAt(close + 1) !== 32) return undefined;
  const after = message.slice(close + 2);
  return after.startsWith('sofia_reg.c:') || after.startsWith('[SOFIA] ') ? freeswitchFields(after) : undefined;
}

/** FreeSWITCH console/log-file lines whose time was read as a syslog header. */
export const freeswitchConsoleParser = fieldsParser({ name: 'freeswitch-console', dataset: 'freeswitch', programs: [], any: true }, freeswitchConsoleFields);

// `08-03 07:56:53.026292 [WARN] [SOFIA] [sofia_reg.c:4130] text` (also with a year, and a CPU-idle figure before the level)
const LOG_LINE = /^(?:(\d{4})-)?(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: \d{1,3}\.\d{1,2}%)? \[([A-Z]{1,10})\] /;

export function readFreeswitchLog(line: string): DaemonLine | undefined {
  const m = LOG_LINE.exec(line);
  if (!m) return undefined;
  const [month, day, h, mi, s] = [Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  if (month > 11 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const year = m[1] !== undefined ? Number(m[1]) : undefined;
  const ts = resolveBsdTime(month, day, h, mi, s, fractionMs(m[7]), Date.now(), year);
  const message = line.slice(m[0].length);
  const fields = freeswitchFields(message) ?? {};
  fields[F.logLevel] = (m[8] as string).toLowerCase();
  return { ts, fields, message };
}

/** The year-less time of FreeSWITCH's log file, `MM-DD hh:mm:ss.ffffff [` (lines with a year are read as syslog). */
export function sniffFreeswitchLog(line: string): boolean {
  return line.charCodeAt(2) === 45 && line.charCodeAt(5) === 32 && line.charCodeAt(8) === 58 && line.charCodeAt(14) === 46 && digitsAt(line, [0, 1, 3, 4, 6, 7, 12, 13]);
}

export const freeswitchLogFormat = daemonLineFormat({ name: 'freeswitch-log', dataset: 'freeswitch' }, sniffFreeswitchLog, readFreeswitchLog);
