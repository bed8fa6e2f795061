import { authFailure, authSuccess, fieldsParser, SF, type Fields } from './service-fields.js';

// `server.example.com (client.example.com[192.0.2.1]) - USER bob (Login failed): Incorrect password`
const PEER = /^(?:\S+ )?\(([^\s[\]()]*)\[([0-9A-Fa-f:.]+)\]\) - /;
const LOGIN_FAILED = /^USER (.*) \(Login failed\):? ?(.*)$/;
// `USER bob: no such user found from client.example.com [192.0.2.1] to 198.51.100.2:21`
const NO_SUCH = /^USER ([^:]*): no such user found/;
const OK = /^USER ([^:]*): Login successful/;
const ROOT = /^SECURITY VIOLATION: [Rr]oot login attempted/;
const MAX = /^Maximum login attempts \((\d+)\) exceeded/;

export function proftpdFields(message: string): Fields | undefined {
  const p = PEER.exec(message);
  if (!p) return undefined;
  const host = p[2] as string;
  const rest = message.slice(p[0].length);
  let f: Fields | undefined;
  const lf = LOGIN_FAILED.exec(rest);
  if (lf) {
    f = authFailure(/no such user/i.test(lf[2] as string) ? 'unknown_user' : 'ftp_login', host, lf[1]);
    if (lf[2]) f[SF.reason] = lf[2];
  } else {
    const ns = NO_SUCH.exec(rest);
    if (ns) f = authFailure('unknown_user', host, ns[1]);
    else if (ROOT.test(rest)) f = authFailure('root_login_denied', host, 'root');
    else if (MAX.test(rest)) f = authFailure('too_many_failures', host);
    else {
      const ok = OK.exec(rest);
      if (ok) f = authSuccess('ftp_login', host, ok[1]);
    }
  }
  if (f && p[1] && p[1] !== host) f[SF.sourceDomain] = p[1];
  return f;
}

/** ProFTPD logins. */
export const proftpdParser = fieldsParser({ name: 'proftpd', dataset: 'proftpd', programs: ['proftpd'] }, proftpdFields);
