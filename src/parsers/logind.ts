import { F } from '../schema/fields.js';
import { A, apply, type Fields } from './auth-common.js';
import type { MessageParser } from './message-parser.js';

/*
 * systemd-logind:
 *   New session 42 of user alice.        New session c1 of user gdm.
 *   Removed session 42.                  Session 42 logged out. Waiting for processes to exit.
 */

const NEW = /^New session (\S{1,64}) of user (\S{1,256})\.$/;
const REMOVED = /^Removed session (\S{1,64})\.$/;
const LOGGED_OUT = /^Session (\S{1,64}) logged out\./;

function session(action: string, type: string, id: string): Fields {
  return { [F.eventCategory]: ['session'], [F.eventType]: [type], [F.eventAction]: action, [F.eventOutcome]: 'success', [A.sessionId]: id };
}

export function logindFields(message: string): Fields | undefined {
  const n = NEW.exec(message);
  if (n) return { ...session('session_opened', 'start', n[1] as string), [F.userName]: n[2] };
  const r = REMOVED.exec(message);
  if (r) return session('session_removed', 'end', r[1] as string);
  const o = LOGGED_OUT.exec(message);
  if (o) return session('session_logged_out', 'end', o[1] as string);
  return undefined;
}

/** systemd-logind session messages. */
export const logindParser: MessageParser = {
  name: 'logind',
  dataset: 'logind',
  programs: ['systemd-logind'],
  parse(message, event) {
    const f = logindFields(message);
    if (!f) return false;
    apply(event, f);
    return true;
  },
};
