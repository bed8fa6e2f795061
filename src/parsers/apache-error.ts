import { setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { isoTime, isProbePath, markIndicator, monthIndex, setSource, TAG_WEB_SCAN } from './web-access.js';

/**
 * Apache httpd error log, 2.2 (`[Sat Jun 01 02:17:42 2013] [error] [client 1.2.3.4] text`) and 2.4
 * (`[Tue Mar 16 20:16:50.556868 2021] [auth_basic:error] [pid 1:tid 2] [client 1.2.3.4:5] AH01618: text`), also
 * after a syslog header (`ErrorLog syslog`: the same without the leading time).
 */

// [Tue Mar 16 20:16:50.556868 2021]
const TIME = /^\[[A-Za-z]{3} ([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? (\d{4})\] /;
// [module:level] [pid N(:tid N)] [client|remote ADDR] — each optional except the level
const HEAD = /^\[(?:([\w.-]{0,64}):)?([a-z]{1,10}\d?)\](?: \[pid (\d{1,10})(?::tid (\d{1,24}))?\])?(?: \[(client|remote) (\[[0-9A-Fa-f:.]{1,64}\](?::\d{1,5})?|[^\]\s]{1,255})\])? /;
const CODE = /^(AH\d{5}): /;
const REFERER = /, referer: (\S{0,4096})$/;

/** `ADDR`, `ADDR:PORT`, `[V6]:PORT` or a bare IPv6 address. */
function splitClient(c: string): { host: string; port?: number } {
  if (c.startsWith('[')) {
    const close = c.indexOf(']');
    const port = c.slice(close + 2);
    return port !== '' ? { host: c.slice(1, close), port: Number(port) } : { host: c.slice(1, close) };
  }
  const first = c.indexOf(':');
  if (first >= 0 && first === c.lastIndexOf(':') && /^\d{1,5}$/.test(c.slice(first + 1))) {
    return { host: c.slice(0, first), port: Number(c.slice(first + 1)) };
  }
  return { host: c };
}

type Kind = 'auth' | 'authz' | 'denied' | 'notfound' | 'tls';
interface Rule {
  re: RegExp;
  kind: Kind;
  action: string;
  /** capture group holding the user name */
  user?: number;
  /** capture group holding the file path */
  path?: number;
}

// Tried in order against the text after the `AHnnnnn: ` code and `Digest: ` prefix. Every pattern is anchored and
// has at most one unbounded part before a literal, so matching is linear in the text length.
const RULES: readonly Rule[] = [
  { re: /^user [`'"]?([^\s`'"]{0,512})[`'"]? in realm .{0,512} not found/, kind: 'auth', action: 'user_not_found', user: 1 },
  { re: /^user (.{0,512}?) not found(?:: (.*))?$/, kind: 'auth', action: 'user_not_found', user: 1, path: 2 },
  { re: /^user (.{0,512}?): authentication failure for "/, kind: 'auth', action: 'password_mismatch', user: 1 },
  { re: /^user (.{0,512}?): password mismatch/, kind: 'auth', action: 'password_mismatch', user: 1 },
  { re: /^user (.{0,512}?): authorization failure for "/, kind: 'authz', action: 'authorization_failure', user: 1 },
  { re: /^Authorization of user (\S{0,512}) to access .{0,4096} failed/, kind: 'authz', action: 'authorization_failure', user: 1 },
  { re: /^client used wrong authentication scheme/, kind: 'auth', action: 'wrong_auth_scheme' },
  { re: /^invalid qop /, kind: 'auth', action: 'digest_invalid' },
  // a nonce whose hash does not match is what any client sends after a server restart: not an attack
  { re: /^invalid nonce \S{0,512} received - (?!hash is not)/, kind: 'auth', action: 'digest_invalid' },
  { re: /^realm mismatch /, kind: 'auth', action: 'digest_invalid' },
  { re: /^unknown algorithm /, kind: 'auth', action: 'digest_invalid' },
  { re: /^client denied by server configuration(?:: (.*))?$/, kind: 'denied', action: 'access_denied', path: 1 },
  { re: /^File does not exist: (.*)$/, kind: 'notfound', action: 'file_not_found', path: 1 },
  { re: /^script '(.{0,4096})' not found or unable to stat/, kind: 'notfound', action: 'script_not_found', path: 1 },
  { re: /^script not found or unable to stat: (.*)$/, kind: 'notfound', action: 'script_not_found', path: 1 },
  { re: /^stderr from (.{0,4096}?): script not found or unable to stat/, kind: 'notfound', action: 'script_not_found', path: 1 },
  { re: /^Got error 'Primary script unknown/, kind: 'notfound', action: 'script_not_found' },
  { re: /^(?:Hostname \S{1,255} provided via SNI|No hostname was provided via SNI)/, kind: 'tls', action: 'sni_mismatch' },
];

/** Sets the classification of an error text (after its code); nothing for texts that are not security-relevant. */
export function classifyApacheError(text: string, e: EcsEvent): void {
  const t = text.startsWith('Digest: ') ? text.slice(8) : text;
  for (const r of RULES) {
    const m = r.re.exec(t);
    if (!m) continue;
    const user = r.user !== undefined ? m[r.user] : undefined;
    if (user !== undefined && user !== '') setPath(e, F.userName, user);
    const path = r.path !== undefined ? m[r.path] : undefined;
    if (path !== undefined && path !== '') setPath(e, F.filePath, path);
    setPath(e, F.eventAction, r.action);
    setPath(e, F.eventOutcome, 'failure');
    switch (r.kind) {
      case 'auth':
        setPath(e, F.eventCategory, ['authentication', 'web']);
        setPath(e, F.eventType, ['start']);
        break;
      case 'authz':
      case 'denied':
        setPath(e, F.eventCategory, r.kind === 'authz' ? ['iam', 'web'] : ['web']);
        setPath(e, F.eventType, ['access', 'denied']);
        break;
      case 'notfound':
        setPath(e, F.eventCategory, ['web']);
        setPath(e, F.eventType, ['access', 'error']);
        if (path !== undefined && isProbePath(path)) markIndicator(e, TAG_WEB_SCAN);
        break;
      case 'tls':
        setPath(e, F.eventCategory, ['network', 'web']);
        setPath(e, F.eventType, ['connection', 'error']);
        break;
    }
    return;
  }
}

/** Parses the part after the time (`[level] [client …] text`): the form Apache sends to syslog. */
export function parseApacheErrorBody(body: string, e: EcsEvent): boolean {
  const h = HEAD.exec(body);
  if (!h) return false;
  const level = h[2] as string;
  if (h[1] !== undefined && h[1] !== '') setPath(e, 'apache.error.module', h[1]);
  setPath(e, F.logLevel, level);
  if (h[3] !== undefined) setPath(e, F.processPid, Number(h[3]));
  if (h[4] !== undefined) setPath(e, 'process.thread.id', Number(h[4]));
  if (h[6] !== undefined) {
    const c = splitClient(h[6]);
    setSource(e, c.host);
    if (c.port !== undefined && c.port <= 65535) setPath(e, F.sourcePort, c.port);
  }
  let text = body.slice(h[0].length);
  const code = CODE.exec(text);
  if (code) {
    setPath(e, 'error.code', code[1]);
    text = text.slice(code[0].length);
  }
  const ref = REFERER.exec(text);
  if (ref) {
    setPath(e, F.httpRequestReferrer, ref[1]);
    text = text.slice(0, ref.index);
  }
  e[F.message] = text;
  if (level !== 'info' && level !== 'debug' && level !== 'notice' && !level.startsWith('trace')) setPath(e, F.errorMessage, text);
  classifyApacheError(text, e);
  return true;
}

/** Parses a whole error log line; false (nothing set) when it is not one. */
export function parseApacheErrorLine(line: string, e: EcsEvent): boolean {
  const t = TIME.exec(line);
  if (!t) return false;
  const body = line.slice(t[0].length);
  if (!HEAD.test(body)) return false;
  const mo = monthIndex(t[1] as string);
  const ts = mo === undefined ? undefined : isoTime(Number(t[7]), mo, Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5]), t[6] ?? '');
  if (ts !== undefined) e[F.timestamp] = ts;
  return parseApacheErrorBody(body, e);
}

export const apacheErrorFormat: LineFormat = {
  name: 'apache-error',
  dataset: 'apache.error',
  sniff: (line) => line.startsWith('[') && TIME.test(line.slice(0, 64)),
  parse: (line, e) => parseApacheErrorLine(line, e),
};
