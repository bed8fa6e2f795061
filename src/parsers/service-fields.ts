import { isIP } from 'node:net';
import { setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { MessageParser } from './message-parser.js';

/** ECS fields set by the service parsers (mail, FTP, databases, DNS, VPN, VoIP, proxies) beyond the shared `F` set. */
export const SF = {
  sourceDomain: 'source.domain',
  destinationDomain: 'destination.domain',
  authMethod: 'user.authentication.method',
  errorCode: 'error.code',
  reason: 'event.reason',
  dnsQuestionName: 'dns.question.name',
  dnsQuestionType: 'dns.question.type',
  dnsQuestionClass: 'dns.question.class',
  dbName: 'database.name',
  httpStatus: 'http.response.status_code',
  httpMethod: 'http.request.method',
  httpVersion: 'http.version',
  urlOriginal: 'url.original',
  emailFrom: 'email.from.address',
  emailTo: 'email.to.address',
  smtpCode: 'smtp.response.code',
} as const;

export type Fields = Record<string, unknown>;

/** `::ffff:192.0.2.1` → `192.0.2.1`; brackets and an `IPv6:` tag removed. */
export function cleanHost(raw: string): string {
  let h = raw;
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.startsWith('IPv6:')) h = h.slice(5);
  if (h.toLowerCase().startsWith('::ffff:') && isIP(h.slice(7)) === 4) h = h.slice(7);
  return h;
}

/** Puts a peer in source.ip when it is an address, else in source.domain (names such as `localhost`). */
export function setSource(f: Fields, host: string | undefined, port?: string | number): void {
  if (host === undefined || host === '') return;
  const h = cleanHost(host);
  if (isIP(h) !== 0) f[F.sourceIp] = h;
  else f[SF.sourceDomain] = h;
  if (port !== undefined && port !== '') {
    const n = Number(port);
    if (Number.isInteger(n) && n >= 0 && n <= 65535) f[F.sourcePort] = n;
  }
}

/** Splits `H:port`, `[v6]:port` or `v6.port`-less forms; the port only when the rest is an address or a name. */
export function splitHostPort(s: string): { host: string; port?: string } {
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close > 0) {
      const port = s.slice(close + 1).startsWith(':') ? s.slice(close + 2) : undefined;
      return port !== undefined && /^\d{1,5}$/.test(port) ? { host: s.slice(1, close), port } : { host: s.slice(1, close) };
    }
  }
  const colon = s.lastIndexOf(':');
  if (colon > 0 && s.indexOf(':') === colon) {
    const port = s.slice(colon + 1);
    if (/^\d{1,5}$/.test(port)) return { host: s.slice(0, colon), port };
  }
  return { host: s };
}

/** An authentication failure: category authentication, outcome failure. */
export function authFailure(action: string, host?: string, user?: string, port?: string | number): Fields {
  const f: Fields = { [F.eventCategory]: ['authentication'], [F.eventType]: ['start'], [F.eventOutcome]: 'failure', [F.eventAction]: action };
  if (user !== undefined) f[F.userName] = user;
  setSource(f, host, port);
  return f;
}

/** A successful authentication. */
export function authSuccess(action: string, host?: string, user?: string, port?: string | number): Fields {
  const f = authFailure(action, host, user, port);
  f[F.eventOutcome] = 'success';
  return f;
}

/** A refused request (RBL hit, relay or query denied): type denied, outcome failure. */
export function denied(action: string, category: string[], host?: string, port?: string | number): Fields {
  const f: Fields = { [F.eventCategory]: category, [F.eventType]: ['denied'], [F.eventOutcome]: 'failure', [F.eventAction]: action };
  setSource(f, host, port);
  return f;
}

export function applyFields(event: EcsEvent, f: Fields): void {
  for (const [k, v] of Object.entries(f)) if (v !== undefined) setPath(event, k, v);
}

/** A message parser from a pure `message → fields` function; the function must not throw. */
export function fieldsParser(
  spec: { name: string; dataset: string; programs: readonly string[]; any?: boolean },
  fields: (message: string) => Fields | undefined,
): MessageParser {
  return {
    ...spec,
    parse(message, event) {
      let f: Fields | undefined;
      try {
        f = fields(message);
      } catch {
        return false;
      }
      if (!f) return false;
      applyFields(event, f);
      return true;
    },
  };
}
