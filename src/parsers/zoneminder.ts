import { getPath, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { parseApacheErrorLine } from './apache-error.js';
import type { LineFormat } from './message-parser.js';
import { applyFields, authFailure, type Fields } from './service-fields.js';

/**
 * ZoneMinder's web interface logs failed logins through PHP into the Apache error log: `[… 2021] [php7:notice]
 * [pid 1] [client 192.0.2.1:39568] ERR [Login denied for user "x"], referer: …` and `WAR [Could not retrieve user x
 * details]`.
 *
 * These are Apache error log lines, which the apache-error format recognises first, so the log file is read with
 * the explicit format `zoneminder`: the Apache fields plus the failed login.
 */

const LOGIN = /^(ERR|WAR|FAT|PNC) \[(?:Login denied for user "([^"]{0,255})"|Could not retrieve user (\S{0,255}) details)\]$/;

/** The failed-login fields of a ZoneMinder message (`ERR [Login denied for user "x"]`), without the address. */
export function zoneminderLogin(text: string): Fields | undefined {
  if (!text.startsWith('ERR [') && !text.startsWith('WAR [') && !text.startsWith('FAT [') && !text.startsWith('PNC [')) return undefined;
  const m = LOGIN.exec(text);
  if (!m) return undefined;
  const user = m[2] ?? m[3];
  const f = authFailure(m[2] !== undefined ? 'login_denied' : 'unknown_user', undefined, user === '' ? undefined : user);
  f[F.eventCategory] = ['authentication', 'web'];
  return f;
}

/** An Apache error log line; the failed login added when its message is one. */
export function parseZoneminderLine(line: string, e: EcsEvent): boolean {
  if (!parseApacheErrorLine(line, e)) return false;
  const text = getPath(e, F.message);
  const f = typeof text === 'string' ? zoneminderLogin(text) : undefined;
  if (f) {
    applyFields(e, f);
    setPath(e, F.eventDataset, 'zoneminder');
  }
  return true;
}

export const zoneminderFormat: LineFormat = {
  name: 'zoneminder',
  dataset: 'apache.error',
  // only by name: apache-error is sniffed first and takes these lines
  sniff: () => false,
  parse: (line, e) => parseZoneminderLine(line, e),
};
