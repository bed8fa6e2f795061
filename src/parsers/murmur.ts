import { authFailure, fieldsParser, type Fields } from './service-fields.js';

// `<W>2019-09-08 13:00:05.615 1 => <10:Test(-1)> Rejected connection from 192.0.2.1:31752: Invalid server password`
const REJECTED =
  /^(?:<[A-Z]>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})? )?\d{1,6} => <\d{1,10}:([^<>()]{0,256})\(-?\d{1,10}\)> Rejected connection from ([0-9A-Fa-f:.]{2,45}):(\d{1,5}): (Invalid server password|Wrong certificate or password for existing user|Invalid username)$/;

export function murmurFields(message: string): Fields | undefined {
  const m = REJECTED.exec(message);
  if (!m) return undefined;
  const f = authFailure(m[4] === 'Invalid username' ? 'invalid_user' : 'wrong_password', m[2], m[1] === '' ? undefined : m[1], m[3]);
  f['event.reason'] = m[4];
  return f;
}

/** Murmur (Mumble server): connections rejected for a wrong password. */
export const murmurParser = fieldsParser({ name: 'murmur', dataset: 'murmur', programs: ['murmurd', 'murmur', 'mumble-server'] }, murmurFields);
