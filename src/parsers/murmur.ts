import { F } from '../schema/fields.js';
import { daemonLineFormat, digitsAt, fractionMs, utcTime, type DaemonLine } from './daemon-line.js';
import { authFailure, fieldsParser, type Fields } from './service-fields.js';

// `<W>2019-09-08 13:00:05.615 1 => <10:Test(-1)> Rejected connection from 192.0.2.1:31752: Invalid server password`
const REJECTED =
  /^(?:<[A-Z]>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})? )?\d{1,6} => <\d{1,10}:([^<>()]{0,256})\(-?\d{1,10}\)> Rejected connection from ([0-9A-Fa-f:.]{2,45}):(\d{1,5}): (Invalid server password|Wrong certificate or password for existing user|Invalid username)$/;

export function murmurFields(message: string): Fields | undefined {
  const m = REJECTED.exec(message);
  if (!m) return undefined;
  const f = authFailure(m[4] === 'Invalid username' ? 'invalid_user' : 'wrong_password', m[2], m[1] === '' ? undefined : m[1], m[3]);
  f['event.reason'] = m[4];
  return f;
}

/** Murmur (Mumble server): connections rejected for a wrong password. */
export const murmurParser = fieldsParser({ name: 'murmur', dataset: 'murmur', programs: ['murmurd', 'murmur', 'mumble-server'] }, murmurFields);

const LEVELS: Record<string, string> = { D: 'debug', I: 'info', W: 'warning', C: 'critical', F: 'fatal' };
// `<W>2015-11-29 16:38:01.818 ` (murmur's own log file: a level letter, then its local time)
const LOG_TIME = /^<([A-Z])>(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? /;

export function readMurmurLog(line: string): DaemonLine | undefined {
  const m = LOG_TIME.exec(line);
  if (!m) return undefined;
  const ts = utcTime(Number(m[2]), Number(m[3]) - 1, Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]), fractionMs(m[8]));
  if (ts === undefined) return undefined;
  const message = line.slice(m[0].length);
  const fields = murmurFields(message) ?? {};
  fields[F.logLevel] = LEVELS[m[1] as string] ?? m[1];
  return { ts, fields, message };
}

/** `<W>2015-` : a level letter in angle brackets, then a year. */
export function sniffMurmurLog(line: string): boolean {
  const l = line.charCodeAt(1);
  return line.charCodeAt(0) === 60 && line.charCodeAt(2) === 62 && l >= 65 && l <= 90 && line.charCodeAt(7) === 45 && digitsAt(line, [3, 4, 5, 6]);
}

/** Murmur's own log file (murmur.log), without a syslog header. */
export const murmurLogFormat = daemonLineFormat({ name: 'murmur-log', dataset: 'murmur' }, sniffMurmurLog, readMurmurLog);
