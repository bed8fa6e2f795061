import { setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { isoTime, isProbePath, markIndicator, setRequest, setSource, TAG_WEB_SCAN } from './web-access.js';

/**
 * nginx error log: `2012/04/09 11:53:29 [error] 2865#0: *66647 text, client: 192.0.2.1, server: s, request: "GET /
 * HTTP/1.1", host: "h"`, also as a journal line (`host nginx[983478]: …`, sometimes with a second `host nginx: `).
 */

const HEAD = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[([a-z]{1,8})\] (\d{1,10})#(\d{1,10}): (?:\*(\d{1,20}) )?/;
const JOURNAL = /^\S{1,255} nginx\[\d{1,10}\]: (?:\S{1,255} nginx: )?/;
// the context nginx appends: `, client: ADDR, server: NAME` then `, key: "value"` pairs (quotes in values are escaped)
const CLIENT = /, client: ([^,\s]{1,255}), server: ([^,"\s]{0,255})/y;
const PAIR = /, ([a-z_]{1,32}): "([^"]{0,16384})"/y;
const MAX_TRIES = 8;

type Kind = 'auth' | 'denied' | 'notfound' | 'tls';
interface Rule {
  re: RegExp;
  kind: Kind;
  action: string;
  user?: number;
  path?: number;
  outcome?: boolean;
}

// Anchored; each has at most one bounded variable part before a literal, so matching is linear in the text length.
const RULES: readonly Rule[] = [
  // the name is logged as sent (it may hold quotes), so these are anchored at the end of the text
  { re: /^user "(.{0,1024})":? was not found in "[^"]{0,1024}"$/, kind: 'auth', action: 'user_not_found', user: 1 },
  { re: /^user "(.{0,1024})": password mismatch$/, kind: 'auth', action: 'password_mismatch', user: 1 },
  { re: /^PAM: user '(.{0,512}?)' - not authenticated/, kind: 'auth', action: 'pam_failure', user: 1 },
  // every browser's first request to a protected location: an authentication event, not a failure
  { re: /^no user\/password was provided for basic authentication/, kind: 'auth', action: 'no_credentials', outcome: false },
  { re: /^limiting (?:requests|connections)/, kind: 'denied', action: 'rate_limited' },
  { re: /^access forbidden by rule/, kind: 'denied', action: 'access_denied' },
  { re: /^open\(\) "(.{0,4096}?)" failed \(2: No such file or directory\)/, kind: 'notfound', action: 'file_not_found', path: 1 },
  { re: /^"(.{0,4096}?)" is not found \(2: No such file or directory\)/, kind: 'notfound', action: 'file_not_found', path: 1 },
  { re: /^SSL_(?:do_handshake|read)\(\) failed \(SSL: /, kind: 'tls', action: 'tls_failure' },
];

function classify(text: string, e: EcsEvent): void {
  for (const r of RULES) {
    const m = r.re.exec(text);
    if (!m) continue;
    const user = r.user !== undefined ? m[r.user] : undefined;
    if (user !== undefined && user !== '') setPath(e, F.userName, user);
    const path = r.path !== undefined ? m[r.path] : undefined;
    if (path !== undefined && path !== '') setPath(e, F.filePath, path);
    setPath(e, F.eventAction, r.action);
    if (r.outcome !== false) setPath(e, F.eventOutcome, 'failure');
    switch (r.kind) {
      case 'auth':
        setPath(e, F.eventCategory, ['authentication', 'web']);
        setPath(e, F.eventType, ['start']);
        break;
      case 'denied':
        setPath(e, F.eventCategory, ['web']);
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

/** Reads the `, client: …` context starting at `at`, if it runs to the end of the line. */
function readContext(body: string, at: number): Map<string, string> | undefined {
  CLIENT.lastIndex = at;
  const c = CLIENT.exec(body);
  if (!c) return undefined;
  const ctx = new Map<string, string>([['client', c[1] as string], ['server', c[2] as string]]);
  let pos = CLIENT.lastIndex;
  while (pos < body.length) {
    PAIR.lastIndex = pos;
    const p = PAIR.exec(body);
    if (!p) return undefined;
    if (!ctx.has(p[1] as string)) ctx.set(p[1] as string, p[2] as string);
    pos = PAIR.lastIndex;
  }
  return ctx;
}

/**
 * The error text and its context. The text may hold client-supplied names (`user "x, client: 1.2.3.4"`), so the
 * context is the last `, client: ` from which a well-formed context runs to the end of the line.
 */
function splitContext(body: string): { text: string; ctx?: Map<string, string> } {
  let at = body.lastIndexOf(', client: ');
  for (let i = 0; at >= 0 && i < MAX_TRIES; i++) {
    const ctx = readContext(body, at);
    if (ctx) return { text: body.slice(0, at), ctx };
    at = at === 0 ? -1 : body.lastIndexOf(', client: ', at - 1);
  }
  return { text: body };
}

export function parseNginxErrorLine(line: string, e: EcsEvent): boolean {
  const j = JOURNAL.exec(line);
  const rest = j ? line.slice(j[0].length) : line;
  const h = HEAD.exec(rest);
  if (!h) return false;
  const ts = isoTime(Number(h[1]), Number(h[2]) - 1, Number(h[3]), Number(h[4]), Number(h[5]), Number(h[6]));
  if (ts !== undefined) e[F.timestamp] = ts;
  setPath(e, F.logLevel, h[7]);
  setPath(e, F.processPid, Number(h[8]));
  setPath(e, 'process.thread.id', Number(h[9]));
  if (h[10] !== undefined) setPath(e, 'nginx.error.connection_id', Number(h[10]));
  const { text, ctx } = splitContext(rest.slice(h[0].length));
  e[F.message] = text;
  if (h[7] !== 'info' && h[7] !== 'notice' && h[7] !== 'debug') setPath(e, F.errorMessage, text);
  if (ctx) {
    setSource(e, ctx.get('client') ?? '');
    const server = ctx.get('server');
    if (server !== undefined && server !== '') setPath(e, 'nginx.error.server', server);
    const request = ctx.get('request');
    if (request !== undefined) setRequest(e, request);
    const host = ctx.get('host');
    if (host !== undefined && host !== '') setPath(e, 'destination.domain', host);
    const referrer = ctx.get('referrer');
    if (referrer !== undefined && referrer !== '') setPath(e, F.httpRequestReferrer, referrer);
    const upstream = ctx.get('upstream');
    if (upstream !== undefined) setPath(e, 'nginx.error.upstream', upstream);
  }
  classify(text, e);
  return true;
}

export const nginxErrorFormat: LineFormat = {
  name: 'nginx-error',
  dataset: 'nginx.error',
  sniff: (line) => HEAD.test(line.slice(0, 64)) || JOURNAL.test(line.slice(0, 600)),
  parse: (line, e) => parseNginxErrorLine(line, e),
};
