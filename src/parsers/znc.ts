import { F } from '../schema/fields.js';
import { daemonLineFormat, digitsAt, utcTime, type DaemonLine } from './daemon-line.js';
import { authFailure, authSuccess, fieldsParser, setSource, splitHostPort, type Fields } from './service-fields.js';

/**
 * ZNC (IRC bouncer) admin log module: `[2018-10-27 01:40:55] [user] failed to login from 192.0.2.1:65001` in its own
 * file, or `[user] failed to login from 192.0.2.2` through syslog/journal (program `znc`).
 */

const TEXT = /^\[([^\]\s]{1,128})\] (failed to login|connected to ZNC|disconnected from ZNC) from (\S{2,64})$/;

export function zncFields(message: string): Fields | undefined {
  const m = TEXT.exec(message);
  if (!m) return undefined;
  const { host, port } = splitHostPort(m[3] as string);
  const user = m[1] as string;
  if (m[2] === 'failed to login') return authFailure('login', host, user, port);
  if (m[2] === 'connected to ZNC') return authSuccess('login', host, user, port);
  const f: Fields = { [F.eventCategory]: ['session'], [F.eventType]: ['end'], [F.eventAction]: 'disconnect', [F.userName]: user };
  setSource(f, host, port);
  return f;
}

export const zncParser = fieldsParser({ name: 'znc', dataset: 'znc', programs: ['znc'] }, zncFields);

const TIME = /^\[(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\] /;

export function readZncLog(line: string): DaemonLine | undefined {
  const t = TIME.exec(line);
  if (!t) return undefined;
  const message = line.slice(t[0].length);
  // only the admin log's own messages: other programs write the same time prefix
  const fields = zncFields(message);
  if (!fields) return undefined;
  const ts = utcTime(Number(t[1]), Number(t[2]) - 1, Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6]));
  return ts !== undefined ? { ts, fields, message } : { fields, message };
}

/** `[YYYY-MM-DD hh:mm:ss] [` */
export function sniffZncLog(line: string): boolean {
  return line.charCodeAt(0) === 91 && line.charCodeAt(5) === 45 && line.charCodeAt(11) === 32 && line.charCodeAt(20) === 93 && line.charCodeAt(22) === 91 && digitsAt(line, [1, 2, 3, 4, 6, 9, 12, 15, 18]);
}

/** ZNC's adminlog module file (znc.log). */
export const zncLogFormat = daemonLineFormat({ name: 'znc-log', dataset: 'znc' }, sniffZncLog, readZncLog);
