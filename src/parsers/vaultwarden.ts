import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { authFailure, SF, type Fields } from './service-fields.js';
import { address, digitAt, fieldsFormat, isoFromParts, offsetMinutes } from './webapp-common.js';

/**
 * Vaultwarden's log file: `[2024-08-31 02:11:22.129][vaultwarden::api::identity][ERROR] message` (the time may
 * carry an offset, `…892+0800`). Failed logins, admin token and two-factor failures end with `IP: <address>`,
 * sometimes followed by `. Username: <name>`. Other lines are kept with their level, module and message.
 */

const HEAD = /^\[(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([+-]\d{2}:?\d{2}|Z)?\]\[([\w:]{1,255})\]\[([A-Z]{1,8})\] /;

const FAILURES: readonly [string, string][] = [
  ['Username or password is incorrect.', 'login_failed'],
  ['Invalid admin token', 'admin_token_invalid'],
  ['Invalid TOTP code', 'two_factor_invalid'],
  ['Invalid email 2FA token', 'two_factor_invalid'],
  ['Invalid Duo', 'two_factor_invalid'],
  ['Invalid YubiKey', 'two_factor_invalid'],
  ['Invalid WebAuthn', 'two_factor_invalid'],
];

/** `… IP: 192.0.2.1. Username: alice.` → address and user (the trailing full stop removed). */
function ipAndUser(text: string): { ip?: string; user?: string } {
  const at = text.lastIndexOf(' IP: ');
  if (at < 0) return {};
  const rest = text.slice(at + 5);
  const userAt = rest.indexOf(' Username: ');
  let ip = userAt >= 0 ? rest.slice(0, userAt) : rest;
  if (ip.endsWith('.')) ip = ip.slice(0, -1);
  const out: { ip?: string; user?: string } = {};
  const a = address(ip);
  if (a !== undefined) out.ip = a;
  if (userAt >= 0) {
    let user = rest.slice(userAt + 11);
    if (user.endsWith('.')) user = user.slice(0, -1);
    if (user !== '') out.user = user;
  }
  return out;
}

export function vaultwardenFields(line: string): Fields | undefined {
  const h = HEAD.exec(line);
  if (!h) return undefined;
  const text = line.slice(h[0].length);
  const ts = isoFromParts(h[1] as string, h[2] as string, h[3] as string, h[4] as string, h[5] as string, h[6] as string, h[7] ?? '', offsetMinutes(h[8]));
  const kind = FAILURES.find(([prefix]) => text.startsWith(prefix));
  let f: Fields;
  if (kind) {
    const { ip, user } = ipAndUser(text);
    f = authFailure(kind[1], ip, user);
    f[SF.reason] = text.slice(0, text.indexOf(' IP: ') > 0 ? text.indexOf(' IP: ') : 256);
  } else f = {};
  if (ts !== undefined) f[F.timestamp] = ts;
  f['log.logger'] = h[9];
  f[F.logLevel] = (h[10] as string).toLowerCase();
  f[F.message] = text;
  return f;
}

/** `[` and a four-digit year, then `][vaultwarden` within the first 40 characters. */
export function sniffVaultwarden(line: string): boolean {
  if (line.charCodeAt(0) !== 91 || !digitAt(line, 1) || line.charCodeAt(5) !== 45) return false;
  const close = line.slice(0, 40).indexOf('][', 20);
  return close > 0 && line.startsWith('][vaultwarden', close);
}

export const vaultwardenFormat: LineFormat = fieldsFormat({ name: 'vaultwarden', dataset: 'vaultwarden' }, sniffVaultwarden, vaultwardenFields);
