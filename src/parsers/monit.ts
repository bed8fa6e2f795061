import { authFailure, fieldsParser, type Fields } from './service-fields.js';

// `HttpRequest: access denied -- client 192.0.2.4: wrong password for user 'admin'` (also `client [192.0.2.4]`)
const DENIED = /^(?:error +: )?HttpRequest: access denied -- client \[?([0-9A-Fa-f:.]{2,45})\]?: (empty password|unknown user '([^']+)'|wrong password for user '([^']*)')$/;
// older releases: `Warning: Client '192.0.2.4' supplied unknown user 'foo' accessing monit httpd`
const OLD = /^(?:error +: )?Warning: Client '([0-9A-Fa-f:.]{2,45})' supplied (unknown user|wrong password for user) '([^']*)' accessing monit httpd$/;

export function monitFields(message: string): Fields | undefined {
  const m = DENIED.exec(message);
  if (m) {
    const action = m[3] !== undefined ? 'unknown_user' : m[4] !== undefined ? 'wrong_password' : 'empty_password';
    return authFailure(action, m[1], m[3] ?? m[4]);
  }
  const o = OLD.exec(message);
  if (o) return authFailure(o[2] === 'unknown user' ? 'unknown_user' : 'wrong_password', o[1], o[3]);
  // A request without credentials (no header, empty user name) is the browser's first step, not a login attempt.
  return undefined;
}

/** Monit's web interface: failed logins. */
export const monitParser = fieldsParser({ name: 'monit', dataset: 'monit', programs: ['monit'] }, monitFields);
