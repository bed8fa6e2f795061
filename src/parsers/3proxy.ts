import { F } from '../schema/fields.js';
import { daemonLineFormat, digitsAt, utcTime, type DaemonLine } from './daemon-line.js';
import { SF, setSource, type Fields } from './service-fields.js';

/**
 * 3proxy's default log format (`L%d-%m-%Y %H:%M:%S %z %N.%p %E %U %C:%c %R:%r %O %I %h %T`):
 * `11-06-2013 02:09:40 +0300 PROXY.3128 00004 - 192.0.2.1:28783 0.0.0.0:0 0 0 0 GET http://example.com/ HTTP/1.1`
 * — time, service.port, result code, user, client, remote, bytes out, bytes in, hops, request.
 */

const LINE =
  /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) ([A-Za-z0-9_]{1,32})\.(\d{1,5}) (\d{1,5}) (\S{1,256}) ([0-9A-Fa-f:.]{1,45}):(\d{1,5}) ([0-9A-Fa-f:.]{1,45}):(\d{1,5}) (\d{1,20}) (\d{1,20}) (\d{1,5}) ?(.*)$/;
const REQUEST = /^([A-Z]{3,10}) (\S{1,8192}) HTTP\/(\d\.\d)$/;

/**
 * Result codes: 0 is success; codes whose last two digits are 01–09 are refusals (no matching ACL, authentication
 * needed or failed, as 3proxy's documentation lists them for 1–9; handlers add hundreds).
 */
function classify(code: number): { outcome: string; denied: boolean } {
  if (code === 0) return { outcome: 'success', denied: false };
  const low = code % 100;
  return { outcome: 'failure', denied: low >= 1 && low <= 9 };
}

export function read3proxy(line: string): DaemonLine | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  const ts = utcTime(Number(m[3]), Number(m[2]) - 1, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), 0, offset);
  if (ts === undefined) return undefined;
  const code = Number(m[12]);
  const c = classify(code);
  const service = (m[10] as string).toLowerCase();
  const f: Fields = {
    [F.eventCategory]: service === 'proxy' ? ['network', 'web'] : ['network'],
    [F.eventType]: c.denied ? ['denied'] : ['connection'],
    [F.eventOutcome]: c.outcome,
    [F.eventAction]: c.denied ? 'proxy_denied' : 'proxy_request',
    [SF.errorCode]: m[12],
    'network.protocol': service,
    [F.destinationPort]: Number(m[11]),
    [F.networkBytes]: Number(m[18]) + Number(m[19]),
  };
  setSource(f, m[14], m[15]);
  if (m[13] !== '-') f[F.userName] = m[13];
  if (m[16] !== '0.0.0.0') f['vigil.proxy.remote.ip'] = m[16];
  const r = REQUEST.exec(m[21] ?? '');
  if (r) {
    f[F.httpRequestMethod] = r[1];
    f[F.urlOriginal] = r[2];
    f[F.httpVersion] = r[3];
  }
  return { ts, fields: f };
}

/** `DD-MM-YYYY hh:mm:ss +zzzz ` */
export function sniff3proxy(line: string): boolean {
  const z = line.charCodeAt(20);
  return line.charCodeAt(2) === 45 && line.charCodeAt(5) === 45 && line.charCodeAt(13) === 58 && line.charCodeAt(19) === 32 && (z === 43 || z === 45) && line.charCodeAt(25) === 32 && digitsAt(line, [0, 1, 3, 4, 6, 7, 8, 9, 21, 22, 23, 24]);
}

export const threeProxyFormat = daemonLineFormat({ name: '3proxy', dataset: '3proxy' }, sniff3proxy, read3proxy);
