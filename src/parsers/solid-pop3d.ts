import { authFailure, fieldsParser, type Fields } from './service-fields.js';

// `authentication failed: no such user: adrian - 192.0.2.1`, `APOP authentication failed for user adrian - 192.0.2.1`, …
const USER_FAIL =
  /^(?:authentication failed: (no such user|can't map user name): |(APOP )?authentication failed for (mapped )?user |(can't find APOP secret) for user )(\S+) - ([0-9A-Fa-f:.]+)$/;
const ROOT = /^root login not allowed - ([0-9A-Fa-f:.]+)$/;

export function solidPop3dFields(message: string): Fields | undefined {
  const m = USER_FAIL.exec(message);
  if (m) {
    const action = m[1] === 'no such user' ? 'unknown_user' : m[1] !== undefined ? 'unmapped_user' : m[4] !== undefined ? 'apop_secret_missing' : 'login_failed';
    const f = authFailure(action, m[6], m[5]);
    if (m[2] !== undefined || m[4] !== undefined) f['user.authentication.method'] = 'APOP';
    return f;
  }
  const r = ROOT.exec(message);
  if (r) return authFailure('root_login_denied', r[1], 'root');
  return undefined;
}

/** solid-pop3d login failures. */
export const solidPop3dParser = fieldsParser({ name: 'solid-pop3d', dataset: 'solid_pop3d', programs: ['solid-pop3d'] }, solidPop3dFields);
