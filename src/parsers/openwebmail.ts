import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { authFailure, authSuccess, setSource, SF, type Fields } from './service-fields.js';
import { fieldsFormat, parseCtime, sniffCtimeDash } from './webapp-common.js';

/**
 * Open WebMail's log: `Sat Dec 28 19:03:53 2013 - [72926] (192.0.2.1) user - login error - auth_unix.pl, ret -4,
 * Password incorrect`. The fields after the address are the login name, the event and its detail; `login error` and
 * `userinfo error` are failed logins, `login` a successful one.
 */

const BODY = /^\[(\d{1,10})\] \(([^)\s]{1,64})\) (\S{1,255}) - ([a-z][a-z ]{0,62}[a-z]) - (.{0,8192})$/;

export function openWebmailFields(line: string): Fields | undefined {
  const ts = parseCtime(line.slice(0, 24));
  if (ts === undefined) return undefined;
  const b = BODY.exec(line.slice(27));
  if (!b) return undefined;
  const what = b[4] as string;
  const user = b[3] === 'none' ? undefined : b[3];
  let f: Fields;
  if (what === 'login error' || what === 'userinfo error') f = authFailure(what.replace(' ', '_'), b[2], user);
  else if (what === 'login') f = authSuccess('login', b[2], user);
  else {
    f = { [F.eventAction]: what.replace(/ /g, '_') };
    if (user !== undefined) f[F.userName] = user;
    setSource(f, b[2]);
  }
  f[F.timestamp] = ts;
  f[F.processPid] = Number(b[1]);
  f[SF.reason] = b[5];
  return f;
}

export const openWebmailFormat: LineFormat = fieldsFormat(
  { name: 'openwebmail', dataset: 'openwebmail' },
  (line) => line.charCodeAt(27) === 91 && sniffCtimeDash(line),
  openWebmailFields,
);
