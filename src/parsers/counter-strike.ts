import { isIP } from 'node:net';
import { F } from '../schema/fields.js';
import { daemonLineFormat, digitsAt, utcTime, type DaemonLine } from './daemon-line.js';
import { authFailure, authSuccess, cleanHost, type Fields } from './service-fields.js';

/**
 * Half-Life engine servers (Counter-Strike, HLDS/SRCDS) log: `L 01/01/2014 - 01:25:17: Bad Rcon: "rcon 1146003691
 * "guess" command" from "192.0.2.1:57370"`. The quoted rcon text holds the password tried, so it is not copied into
 * a field (event.original keeps the line).
 */

const TIME = /^L (\d{2})\/(\d{2})\/(\d{4}) - (\d{2}):(\d{2}):(\d{2}): /;
const FROM = '" from "';
const PEER = /^([0-9A-Fa-f:.]{2,45}):(\d{1,5})"$/;

function rcon(message: string): Fields | undefined {
  const bad = message.startsWith('Bad Rcon: "');
  if (!bad && !message.startsWith('Rcon: "')) return undefined;
  const at = message.lastIndexOf(FROM);
  if (at < 0) return undefined;
  const p = PEER.exec(message.slice(at + FROM.length));
  if (!p) return undefined;
  const host = cleanHost(p[1] as string);
  if (isIP(host) === 0) return undefined;
  const f = bad ? authFailure('rcon', host, undefined, p[2]) : authSuccess('rcon', host, undefined, p[2]);
  f[F.eventCategory] = ['authentication', 'process'];
  return f;
}

export function readHlLog(line: string): DaemonLine | undefined {
  const t = TIME.exec(line);
  if (!t) return undefined;
  // the engine writes month/day/year (L 12/31/2013); fail2ban's filter reads day/month/year, the same on its samples
  const ts = utcTime(Number(t[3]), Number(t[1]) - 1, Number(t[2]), Number(t[4]), Number(t[5]), Number(t[6]));
  const message = line.slice(t[0].length);
  const fields = rcon(message) ?? {};
  return ts !== undefined ? { ts, fields, message } : { fields, message };
}

/** `L MM/DD/YYYY - hh:mm:ss: ` */
export function sniffHlLog(line: string): boolean {
  return line.charCodeAt(0) === 76 && line.charCodeAt(1) === 32 && line.charCodeAt(4) === 47 && line.charCodeAt(7) === 47 && line.charCodeAt(12) === 32 && line.charCodeAt(13) === 45 && digitsAt(line, [2, 3, 5, 6, 8, 11, 15, 16]);
}

export const counterStrikeFormat = daemonLineFormat({ name: 'counter-strike', dataset: 'hlds' }, sniffHlLog, readHlLog);
