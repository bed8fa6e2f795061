import { F } from '../schema/fields.js';
import { daemonLineFormat, digitsAt, utcTime, type DaemonLine } from './daemon-line.js';
import { denied, fieldsParser, SF, type Fields } from './service-fields.js';

/**
 * stunnel: `LOG3[28228:140093368055552]: SSL_accept from 192.0.2.1:33454 : 140890C7: error:140890C7:SSL
 * routines:SSL3_GET_CLIENT_CERTIFICATE:peer did not return a certificate`, in its own file after
 * `2011.11.21 14:29:16 ` or through syslog (program `stunnel`).
 */

const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
const PREFIX = /^LOG([0-7])\[([\w:.]{1,64})\]: /;
const ACCEPT_FAILED = /^SSL_accept from ([0-9A-Fa-f:.]{2,45}):(\d{1,5}) : (.{1,1024})$/;

export function stunnelFields(message: string): Fields | undefined {
  const p = PREFIX.exec(message);
  if (!p) return undefined;
  const m = ACCEPT_FAILED.exec(message.slice(p[0].length));
  const f: Fields = m ? denied('tls_handshake_failed', ['network'], m[1], m[2]) : {};
  if (m) f[SF.reason] = m[3];
  f[F.logLevel] = LEVELS[Number(p[1])];
  return f;
}

export const stunnelParser = fieldsParser({ name: 'stunnel', dataset: 'stunnel', programs: ['stunnel', 'stunnel4'] }, stunnelFields);

const TIME = /^(\d{4})\.(\d{2})\.(\d{2}) (\d{2}):(\d{2}):(\d{2}) /;

export function readStunnelLog(line: string): DaemonLine | undefined {
  const t = TIME.exec(line);
  if (!t) return undefined;
  const message = line.slice(t[0].length);
  const fields = stunnelFields(message);
  if (!fields) return undefined;
  const ts = utcTime(Number(t[1]), Number(t[2]) - 1, Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6]));
  return ts !== undefined ? { ts, fields, message } : { fields, message };
}

/** `YYYY.MM.DD hh:mm:ss LOG` */
export function sniffStunnelLog(line: string): boolean {
  return line.charCodeAt(4) === 46 && line.charCodeAt(7) === 46 && line.charCodeAt(10) === 32 && line.charCodeAt(13) === 58 && line.startsWith('LOG', 20) && digitsAt(line, [0, 1, 2, 3, 5, 6, 8, 9, 11, 12]);
}

/** stunnel's own log file (`output = /var/log/stunnel.log`). */
export const stunnelLogFormat = daemonLineFormat({ name: 'stunnel-log', dataset: 'stunnel' }, sniffStunnelLog, readStunnelLog);
