import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { MessageParser } from './message-parser.js';
import { applyFields, authFailure, authSuccess, SF, setSource, splitHostPort, type Fields } from './service-fields.js';

/**
 * OpenLDAP slapd connection log (loglevel stats): `conn=1022 fd=21 ACCEPT from IP=192.0.2.1:45011 (IP=0.0.0.0:636)`,
 * `conn=1022 op=1 BIND dn="uid=someone,ou=people,dc=example,dc=com" method=128`, `conn=1022 op=1 RESULT tag=97
 * err=49 text=`. A failed bind (`RESULT tag=97 err=49`, invalid credentials) names neither the peer nor the user: they
 * are on the connection's ACCEPT and BIND lines. So the parser keeps, per slapd process, the peer and bind DN of open
 * connections — a bounded table (oldest entries dropped first), emptied as connections close — and copies them onto the
 * bind result.
 */

const CONN = /^conn=(\d{1,20}) (fd|op)=(\d{1,10}) /;
const ACCEPT = /^ACCEPT from IP=(\S{2,64}) \(IP=(\S{2,64})\)$/;
const BIND = /^BIND dn="([^"]{0,1024})" method=(\d{1,5})$/;
// `RESULT tag=97 err=49 text=…` (bind response); other attributes may sit between tag and err
const RESULT = /^RESULT tag=(\d{1,5})(?: (?!err=)[a-z]{1,16}=\S{0,256}){0,8} err=(\d{1,5}) text=(.{0,1024})$/;

interface Conn {
  ip?: string;
  port?: string;
  dn?: string;
}

/** At most this many open connections are remembered (about 200 bytes each). */
export const MAX_CONNECTIONS = 10_000;
const conns = new Map<string, Conn>();

function remember(key: string, update: Conn): void {
  const old = conns.get(key);
  if (old) {
    conns.delete(key);
    conns.set(key, { ...old, ...update });
    return;
  }
  if (conns.size >= MAX_CONNECTIONS) {
    const oldest = conns.keys().next();
    if (oldest.done !== true) conns.delete(oldest.value);
  }
  conns.set(key, update);
}

/** Forgets every remembered connection (tests). */
export function resetSlapdConnections(): void {
  conns.clear();
}

/** `uid=someone,ou=people,…` → `someone` (the value of the first RDN when it is uid or cn). */
function userOfDn(dn: string): string | undefined {
  const m = /^(?:uid|cn)=((?:[^,\\]|\\.){1,256})(?:,|$)/i.exec(dn);
  return m?.[1];
}

export function slapdFields(message: string, key: string): Fields | undefined {
  const c = CONN.exec(message);
  if (!c) return undefined;
  const conn = `${key}|${c[1] as string}`;
  const rest = message.slice(c[0].length);
  const base: Fields = { 'session.id': c[1] };
  if (c[2] === 'fd') {
    const a = ACCEPT.exec(rest);
    if (a) {
      const peer = splitHostPort(a[1] as string);
      remember(conn, peer.port !== undefined ? { ip: peer.host, port: peer.port } : { ip: peer.host });
      const f: Fields = { ...base, [F.eventCategory]: ['network'], [F.eventType]: ['connection', 'start'], [F.eventAction]: 'ldap_accept' };
      setSource(f, peer.host, peer.port);
      const local = splitHostPort(a[2] as string);
      if (local.port !== undefined) f[F.destinationPort] = Number(local.port);
      return f;
    }
    if (rest === 'closed' || rest.startsWith('closed ')) {
      const known = conns.get(conn);
      conns.delete(conn);
      const f: Fields = { ...base, [F.eventCategory]: ['network'], [F.eventType]: ['connection', 'end'], [F.eventAction]: 'ldap_close' };
      if (known?.ip !== undefined) setSource(f, known.ip, known.port);
      return f;
    }
    return base;
  }
  const b = BIND.exec(rest);
  if (b) {
    const dn = b[1] as string;
    if (conns.has(conn)) remember(conn, { dn });
    const f: Fields = { ...base, [F.eventCategory]: ['authentication'], [F.eventType]: ['start'], [F.eventAction]: 'ldap_bind', 'vigil.ldap.bind_dn': dn };
    const user = userOfDn(dn);
    if (user !== undefined) f[F.userName] = user;
    return f;
  }
  const r = RESULT.exec(rest);
  if (r && r[1] === '97') {
    const known = conns.get(conn);
    const err = r[2] as string;
    const dn = known?.dn;
    const user = dn !== undefined ? userOfDn(dn) : undefined;
    const f = err === '0' ? authSuccess('ldap_bind', known?.ip, user, known?.port) : authFailure('ldap_bind', known?.ip, user, known?.port);
    Object.assign(f, base);
    f[SF.errorCode] = err;
    if (r[3] !== '') f[SF.reason] = r[3];
    if (dn !== undefined) f['vigil.ldap.bind_dn'] = dn;
    return f;
  }
  return base;
}

/** OpenLDAP slapd: connections, binds and bind results, with the peer of a failed bind taken from its connection. */
export const slapdParser: MessageParser = {
  name: 'slapd',
  dataset: 'slapd',
  programs: ['slapd'],
  parse(message: string, event: EcsEvent): boolean {
    let f: Fields | undefined;
    try {
      // connections are numbered per slapd process: the host and pid keep two servers' numbers apart
      const host = getPath(event, F.hostName);
      const pid = getPath(event, F.processPid);
      f = slapdFields(message, `${typeof host === 'string' ? host : ''}|${typeof pid === 'number' ? pid : ''}`);
    } catch {
      return false;
    }
    if (!f) return false;
    applyFields(event, f);
    return true;
  },
};
