import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { authFailure, authSuccess, SF, type Fields } from './service-fields.js';
import { ADDR, fieldsFormat } from './webapp-common.js';

/**
 * Tine 2.0's log file: `78017 00cff -- none -- - 2014-01-13T05:02:22+00:00 WARN (4): Tinebase_Controller::login::106
 * Login with username x from 192.0.2.1 failed (-1)!` (request id, transaction id, user, time, priority, message).
 * The code in parentheses says why (-1 no such user, -3 wrong password, …); `… succeeded` logins are successes.
 */

const HEAD = /^([0-9a-f]{1,16}) ([0-9a-f]{1,16}) -- (\S{1,255}) -- (?:\S{1,255} )?- (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2}|Z)) ([A-Z]{1,8}) \((\d)\): /;
const LOGIN = new RegExp(`^Tinebase_Controller::login::\\d{1,6} Login with username (.{0,255}) from (${ADDR}) (failed \\((-?\\d{1,3})\\)!|succeeded\\.?)$`);
const REASONS: Record<string, string> = { '-1': 'unknown_user', '-2': 'ambiguous_user', '-3': 'wrong_password', '-100': 'account_disabled', '-101': 'account_expired', '-102': 'account_blocked' };

export function tine20Fields(line: string): Fields | undefined {
  const h = HEAD.exec(line);
  if (!h) return undefined;
  const ms = Date.parse(h[4] as string);
  if (Number.isNaN(ms)) return undefined;
  const text = line.slice(h[0].length);
  const l = text.startsWith('Tinebase_Controller::login') ? LOGIN.exec(text) : null;
  let f: Fields;
  if (l) {
    const user = l[1] === '' ? undefined : l[1];
    if (l[4] !== undefined) {
      f = authFailure(REASONS[l[4]] ?? 'login_failed', l[2], user);
      f[SF.errorCode] = l[4];
    } else f = authSuccess('login', l[2], user);
  } else f = { [F.message]: text };
  if (h[3] !== 'none' && f[F.userName] === undefined) f[F.userName] = h[3];
  f[F.timestamp] = new Date(ms).toISOString();
  f[F.logLevel] = (h[5] as string).toLowerCase();
  f['tine20.request_id'] = h[1];
  return f;
}

export const tine20Format: LineFormat = fieldsFormat(
  { name: 'tine20', dataset: 'tine20' },
  (line) => line.charCodeAt(5) === 32 && line.startsWith(' -- ', 11),
  tine20Fields,
);
