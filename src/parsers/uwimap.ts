import { courierFields } from './courier.js';
import { authFailure, fieldsParser, SF, type Fields } from './service-fields.js';

// `Login failed user=x auth=x host=name [192.0.2.1]`, `Login excessive login failures user=…`, `Login disabled user=…`,
// `Failed uwmaster override of user=x  host=name [192.0.2.1]`
const FAILED =
  /^(Login failed|Login excessive login failures|Login disabled|Failed [^\s=]{1,64} override of) user=(\S*)(?: auth=(\S*))? +host=(\S*) \[([0-9A-Fa-f:.]+)\]/;

const ACTIONS: Record<string, string> = {
  'Login failed': 'login_failed',
  'Login excessive login failures': 'too_many_failures',
  'Login disabled': 'login_disabled',
};

export function uwimapFields(message: string): Fields | undefined {
  const m = FAILED.exec(message);
  if (!m) return undefined;
  const f = authFailure(ACTIONS[m[1] as string] ?? 'override_failed', m[5], m[2]);
  if (m[4] && m[4] !== m[5]) f[SF.sourceDomain] = m[4];
  return f;
}

/** UW IMAP/POP3 (`imapd`, `ipop3d`); Courier also logs as `imapd`, so its lines are recognised here too. */
export const uwimapParser = fieldsParser({ name: 'uwimap', dataset: 'uwimap', programs: ['imapd', 'ipop3d', 'imapsd'] }, (message) =>
  uwimapFields(message) ?? courierFields(message),
);
