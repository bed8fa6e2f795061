import type { LineFormat } from './message-parser.js';
import { authFailure, authSuccess, type Fields } from './service-fields.js';
import { digitAt, fieldsFormat } from './webapp-common.js';
import { F } from '../schema/fields.js';

/**
 * Apache Guacamole's web application log. Through java.util.logging (Tomcat's catalina.out) the message is on its
 * own line, `WARNING: Authentication attempt from 192.0.2.1 for user "x" failed.`, after a line with the date; through
 * logback, `12:57:32.907 [http-nio-8080-exec-10] WARN  o.a.g.r.auth.AuthenticationService - Authentication attempt
 * from …`. Neither layout has a date on the message line, so @timestamp is left to the receiver. Behind a proxy the
 * address is a list (`[192.0.2.1, 10.0.0.1]`): the first one is the client. A user of `null` means none was given.
 */

const JUL = /^(WARNING|INFO|SEVERE): /;
const LOGBACK = /^\d{2}:\d{2}:\d{2}\.\d{3} \[[^\]]{1,255}\] ([A-Z]{4,5}) {1,2}([\w.$]{1,255}) - /;
const FAILED = /^Authentication attempt from (\[[^\]]{1,512}\]|[0-9A-Fa-f:.]{2,45}) for user "([^"]{0,255})" failed\.$/;
const OK = /^User "([^"]{0,255})" successfully authenticated from (\[[^\]]{1,512}\]|[0-9A-Fa-f:.]{2,45})\.$/;

function client(raw: string): { host: string; chain?: string[] } {
  if (!raw.startsWith('[')) return { host: raw };
  const chain = raw.slice(1, -1).split(',').map((s) => s.trim());
  return { host: chain[0] ?? '', chain };
}

function messageFields(text: string): Fields | undefined {
  const m = FAILED.exec(text);
  if (m) {
    const c = client(m[1] as string);
    const f = authFailure('guacamole_login', c.host, m[2] === 'null' || m[2] === '' ? undefined : m[2]);
    if (c.chain && c.chain.length > 1) f['related.ip'] = c.chain;
    return f;
  }
  const o = OK.exec(text);
  if (!o) return undefined;
  const c = client(o[2] as string);
  return authSuccess('guacamole_login', c.host, o[1]);
}

export function guacamoleFields(line: string): Fields | undefined {
  const j = JUL.exec(line);
  const l = j ? undefined : LOGBACK.exec(line);
  const head = j ?? l;
  if (!head) return undefined;
  const f = messageFields(line.slice(head[0].length));
  if (!f) return undefined;
  f[F.logLevel] = (head[1] as string).toLowerCase();
  if (l) f['log.logger'] = l[2];
  return f;
}

/** `WARNING: Authentication…`/`INFO: User "…` (java.util.logging) or a logback `hh:mm:ss.mmm [thread] ` start. */
export function sniffGuacamole(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c === 87) return line.startsWith('WARNING: Authentication attempt from ');
  if (c === 73) return line.startsWith('INFO: User "');
  return digitAt(line, 0) && line.charCodeAt(2) === 58 && line.charCodeAt(5) === 58 && line.charCodeAt(8) === 46 && line.startsWith(' [', 12);
}

export const guacamoleFormat: LineFormat = fieldsFormat({ name: 'guacamole', dataset: 'guacamole' }, sniffGuacamole, guacamoleFields);
