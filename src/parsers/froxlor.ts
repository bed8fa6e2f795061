import { F } from '../schema/fields.js';
import { authFailure, fieldsParser, SF, type Fields } from './service-fields.js';
import { address, ADDR } from './webapp-common.js';

/**
 * Froxlor (hosting control panel) logins to syslog. Up to 0.10: `[Login Action 192.0.2.1] Unknown user 'x' tried
 * to login.` / `User 'x' tried to login with wrong password.`. From 2.x (Monolog): `froxlor.WARNING: User tried to
 * login with wrong password. {"source":"login","action":"50","user":"192.0.2.1"} []`, where `user` holds the
 * client address of an anonymous login attempt.
 */

const OLD = new RegExp(`^\\[Login Action (${ADDR})\\] (?:Unknown user '([^']{0,255})' tried to login\\.|User '([^']{0,255})' tried to login with wrong password\\.)$`);
const NEW = /^froxlor\.([A-Z]{1,16}): (Unknown user tried to login\.|User tried to login with wrong password\.) (\{[^{}]{0,2048}\})(?: \[\])?$/;

function contextUser(json: string): string | undefined {
  let ctx: unknown;
  try {
    ctx = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof ctx !== 'object' || ctx === null) return undefined;
  const u = (ctx as Record<string, unknown>)['user'];
  return typeof u === 'string' ? u : undefined;
}

export function froxlorFields(message: string): Fields | undefined {
  if (message.startsWith('[Login Action ')) {
    const m = OLD.exec(message);
    if (!m) return undefined;
    return m[2] !== undefined ? authFailure('unknown_user', m[1], m[2]) : authFailure('wrong_password', m[1], m[3]);
  }
  if (!message.startsWith('froxlor.')) return undefined;
  const n = NEW.exec(message);
  if (!n) return undefined;
  const who = contextUser(n[3] as string);
  const host = address(who);
  const f = authFailure((n[2] as string).startsWith('Unknown') ? 'unknown_user' : 'wrong_password', host, host === undefined ? who : undefined);
  f[F.logLevel] = (n[1] as string).toLowerCase();
  f[SF.reason] = n[2];
  return f;
}

export const froxlorParser = fieldsParser({ name: 'froxlor', dataset: 'froxlor', programs: ['froxlor'] }, froxlorFields);
