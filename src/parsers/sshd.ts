import { setPath } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { MessageParser } from './message-parser.js';

/** Fields recognised in an OpenSSH authentication message; a fuller parser library maps many more products. */
export type Fields = Record<string, unknown>;

// The user name is whatever the client sent (it may hold spaces); sshd appends the peer address after it, so the
// address is taken from the last " from ADDR port N" of the line.
const LOGIN = /^(Failed|Accepted) (password|publickey|keyboard-interactive\/pam|none) for (invalid user )?(.*) from (\S+) port (\d+)/;
const INVALID = /^Invalid user (.*) from (\S+)(?: port (\d+))?/;

export function sshdFields(message: string): Fields | undefined {
  const m = LOGIN.exec(message);
  if (m) {
    const ok = m[1] === 'Accepted';
    const f: Fields = {
      [F.eventCategory]: ['authentication'],
      [F.eventOutcome]: ok ? 'success' : 'failure',
      [F.eventAction]: 'ssh_login',
      [F.userName]: m[4],
      [F.sourceIp]: m[5],
      [F.sourcePort]: Number(m[6]),
      'user.authentication.method': m[2],
    };
    if (m[3]) f['user.invalid'] = true;
    return f;
  }
  const i = INVALID.exec(message);
  if (i) {
    const f: Fields = {
      [F.eventCategory]: ['authentication'],
      [F.eventOutcome]: 'failure',
      [F.eventAction]: 'invalid_user',
      [F.userName]: i[1],
      [F.sourceIp]: i[2],
    };
    if (i[3]) f[F.sourcePort] = Number(i[3]);
    return f;
  }
  return undefined;
}

/** OpenSSH's sshd messages. */
export const sshdParser: MessageParser = {
  name: 'sshd',
  dataset: 'sshd',
  programs: ['sshd'],
  parse(message, event) {
    const f = sshdFields(message);
    if (!f) return false;
    for (const [k, v] of Object.entries(f)) setPath(event, k, v);
    return true;
  },
};
