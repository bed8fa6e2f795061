import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { A, addressFields, apply, portNumber, type Fields } from './auth-common.js';
import type { MessageParser } from './message-parser.js';

export type { Fields } from './auth-common.js';

/*
 * OpenSSH sshd messages. User names are whatever the client sent (they may hold spaces and text that imitates the rest
 * of the line), so addresses are never taken from a greedy `(.*) from (\S+)`: candidates are the " from " positions,
 * each checked with a bounded sticky pattern, and the first one that ends the line the way sshd ends it wins. Every
 * pattern here is anchored and bounded, so the work is linear in the message length.
 */

const AUTH = ['authentication'];
const NET = ['network'];
const INFO = ['info'];
const PREAUTH = ' [preauth]';

/** " from ADDR[ port N][ on ADDR[ port N]][ sshN]" at a given position, then the end, ": " (auth info) or [preauth]. */
const FROM_TAIL = / from (\S{1,255}?)(?: port (\d{1,5}))?(?: on \S{1,255}(?: port \d{1,5})?)?(?: ssh\d?)?(?=$|: | \[preauth\]$| via \S{1,255}$)/y;

interface Peer {
  /** index of the " from " that introduces the peer */
  at: number;
  addr: Fields;
  port?: number;
}

/** The first " from ADDR …" at or after `start` that ends the line as sshd ends it. */
function peerAfter(text: string, start: number): Peer | undefined {
  let at = text.indexOf(' from ', start);
  while (at !== -1) {
    FROM_TAIL.lastIndex = at;
    const m = FROM_TAIL.exec(text);
    if (m) {
      const addr = addressFields(m[1] as string);
      if (addr) {
        const p: Peer = { at, addr };
        const port = portNumber(m[2]);
        if (port !== undefined) p.port = port;
        return p;
      }
    }
    at = text.indexOf(' from ', at + 1);
  }
  return undefined;
}

/** "ADDR port N" at the very end of `text` (after the user name of "Connection closed by … user U ADDR port N"). */
function trailingPeer(text: string): { head: string; addr: Fields; port?: number } | undefined {
  const p = text.lastIndexOf(' port ');
  let head = text;
  let port: number | undefined;
  if (p !== -1 && portNumber(text.slice(p + 6)) !== undefined) {
    port = portNumber(text.slice(p + 6));
    head = text.slice(0, p);
  }
  const sp = head.lastIndexOf(' ');
  // sshd writes the numeric address here
  const addr = addressFields(head.slice(sp + 1));
  if (addr?.[F.sourceIp] === undefined) return undefined;
  const r: { head: string; addr: Fields; port?: number } = { head: sp === -1 ? '' : head.slice(0, sp), addr };
  if (port !== undefined) r.port = port;
  return r;
}

function withPeer(f: Fields, peer: { addr: Fields; port?: number } | undefined): Fields {
  if (!peer) return f;
  Object.assign(f, peer.addr);
  if (peer.port !== undefined) f[F.sourcePort] = peer.port;
  return f;
}

function failure(action: string, category: string[] = AUTH, type: string[] = INFO): Fields {
  return { [F.eventCategory]: category, [F.eventType]: type, [F.eventAction]: action, [F.eventOutcome]: 'failure' };
}

/** "for [invalid user ]USER from ADDR …": user and peer, or undefined. */
function userAndPeer(rest: string): { user: string; invalid: boolean; peer: Peer } | undefined {
  let invalid = false;
  let start = 0;
  for (const p of INVALID_LOWER) {
    if (rest.startsWith(p)) {
      invalid = true;
      start = p.length;
    }
  }
  // a valid account name has no spaces: its peer is the first " from " (text after it is sshd's auth info)
  if (!invalid) {
    const sp = rest.indexOf(' ');
    const first = rest.indexOf(' from ');
    if (first !== -1 && first === sp) {
      const peer = peerAfter(rest, first);
      if (peer && peer.at === first) return { user: rest.slice(0, first), invalid, peer };
    }
  }
  // an empty invalid user name: "Invalid user  from H"
  const peer = peerAfter(rest, Math.max(0, start - 1));
  if (!peer) return undefined;
  return { user: peer.at < start ? '' : rest.slice(start, peer.at), invalid, peer };
}

// prefix lists, made once (not per message)
const INVALID_LOWER = ['invalid user ', 'illegal user '];
const INVALID_UPPER = ['Invalid user ', 'Illegal user '];
const CLOSED = ['Connection closed by ', 'Connection reset by ', 'Disconnected from ', 'Disconnecting invalid user ', 'Disconnecting authenticating user ', 'Disconnecting user '];
const CLOSED_USER = ['invalid user ', 'authenticating user ', 'user '];

const LOGIN = /^(Failed|Accepted) ([\w/@.-]{1,64}) for /;
const MESSAGE_REPEATED = /^message repeated (\d{1,9}) times: \[ ?/;
const REVERSE_MAP = /^reverse mapping checking getaddrinfo for (\S{1,255}) \[([0-9A-Fa-f:.]{2,45})\] failed/;
const MAPS_TO = /^Address ([0-9A-Fa-f:.]{2,45}) maps to (\S{1,255}), but this does not map back to the address/;
const RECEIVED_DISCONNECT = /^Received disconnect from (\S{1,255}?)(?: port (\d{1,5}))?: ?(\d{1,3}): /;
const NEGOTIATE = /^Unable to negotiate with (\S{1,255}) port (\d{1,5}): (no matching [^.]{1,100} found)/;
const CONNECTION_FROM = /^Connection from (\S{1,255})(?: port (\d{1,5}))?(?: on (\S{1,255}) port (\d{1,5}))?/;
const SSH_AUDIT = /^SSH: Server;Ltype: \w{1,32};Remote: ([0-9A-Fa-f:.]{2,45})-(\d{1,5});/;
const LOCAL_PREFIX = /^(?:\[ID \d{1,10} [\w.]{1,32}\] |kernel: ?\[ {0,20}\d{1,12}\.\d{1,9}\]:? ?)/;
const WITH_PEER_COLON = /^(banner exchange|ssh_dispatch_run_fatal): Connection from (\S{1,255}) port (\d{1,5}): /;
const TIMEOUT = /^Timeout before authentication for (?:connection from )?(\S{1,255})(?: port (\d{1,5}))?/;
const REFUSED_CONNECT = /^refused connect from \S{0,255} \((\S{1,255})\)/;
const ROOT_REFUSED = /^ROOT LOGIN REFUSED FROM (\S{1,255}?)(?: port (\d{1,5}))?(?: \[preauth\])?$/;

/**
 * The first characters of every message sshdFields reads (after the local prefix and the error:/fatal: level): "message
 * repeated", Failed, Accepted, Invalid/Illegal user, input_userauth_request, PAM, maximum, Disconnect…, Did not,
 * User, ROOT, refused, Received, Read, Connection, Bad, Unable, banner, ssh_dispatch_run_fatal, Timeout, reverse,
 * Address, SSH:, Write, kex_exchange_identification, no matching.
 */
const FIRST_CHARS = new Set([...'mFAIiPDURrCBbsTSWkn'].map((c) => c.charCodeAt(0)));

/** Messages that report a failure without naming the peer: it comes from the connection's earlier lines. */
const PEERLESS_FAILURES: readonly [string, string, string[]][] = [
  ['Read from socket failed: Connection reset by peer', 'ssh_connection_reset', NET],
  ['Write failed: Connection reset by peer', 'ssh_connection_reset', NET],
  ['kex_exchange_identification: ', 'ssh_bad_identification', ['network', 'intrusion_detection']],
  ['Unable to negotiate a key exchange method', 'ssh_negotiation_failure', NET],
  ['no matching ', 'ssh_negotiation_failure', NET],
];

/**
 * What sshd said earlier on a connection (keyed by host and pid): the peer of "Connection from" lines, used for
 * later messages that name no peer, and a failure waiting for a peer. Bounded; oldest entries are dropped first.
 */
interface Conn {
  addr?: Fields;
  port?: number;
  pendingFailure?: Fields;
}
const MAX_CONNECTIONS = 4096;
const connections = new Map<string, Conn>();

function connKey(event: EcsEvent): string | undefined {
  const pid = getPath(event, F.processPid);
  if (typeof pid !== 'number') return undefined;
  const host = getPath(event, F.hostHostname);
  return `${typeof host === 'string' ? host : ''}\u0000${pid}`;
}

function remember(key: string | undefined, c: Conn): void {
  if (key === undefined) return;
  const old = connections.get(key);
  connections.delete(key);
  connections.set(key, { ...old, ...c });
  if (connections.size > MAX_CONNECTIONS) {
    const oldest = connections.keys().next();
    if (oldest.done !== true) connections.delete(oldest.value);
  }
}

/** Forgets every connection (tests). */
export function resetSshdState(): void {
  connections.clear();
}

/** The ECS fields of one sshd message, or undefined. `event` gives the host and pid that key the connection state. */
export function sshdFields(message: string, event: EcsEvent = {}, depth = 0): Fields | undefined {
  let m = message;
  const local = m.startsWith('[ID ') || m.startsWith('kernel:') ? LOCAL_PREFIX.exec(m) : null;
  if (local) m = m.slice(local[0].length);
  let level: string | undefined;
  if (m.startsWith('error: ') || m.startsWith('fatal: ')) {
    level = m.slice(0, 5);
    m = m.slice(7);
  }
  // every message below starts with one of a few known words: others (PAM module lines …) are not sshd's own
  if (!FIRST_CHARS.has(m.charCodeAt(0))) return undefined;
  const preauth = m.endsWith(PREAUTH);
  const body = preauth ? m.slice(0, -PREAUTH.length) : m;

  const rep = depth === 0 && m.startsWith('message repeated ') ? MESSAGE_REPEATED.exec(m) : null;
  if (rep) {
    const inner = m.slice(rep[0].length).replace(/ ?\]$/, '');
    const f = sshdFields(inner, event, 1);
    if (!f) return undefined;
    f[A.repeatCount] = Number(rep[1]);
    return f;
  }

  const login = m.startsWith('Failed ') || m.startsWith('Accepted ') ? LOGIN.exec(m) : null;
  if (login) {
    const up = userAndPeer(m.slice(login[0].length));
    if (!up) return undefined;
    const ok = login[1] === 'Accepted';
    const f = withPeer(
      {
        [F.eventCategory]: AUTH,
        [F.eventType]: ok ? ['start'] : INFO,
        [F.eventOutcome]: ok ? 'success' : 'failure',
        [F.eventAction]: 'ssh_login',
        [F.userName]: up.user,
        [A.userAuthMethod]: login[2],
      },
      up.peer,
    );
    if (up.invalid) f[A.userInvalid] = true;
    return f;
  }

  for (const p of INVALID_UPPER) {
    if (!m.startsWith(p)) continue;
    const peer = peerAfter(m, p.length - 1);
    if (!peer) return undefined;
    return withPeer(Object.assign(failure('invalid_user'), { [F.userName]: peer.at < p.length ? '' : m.slice(p.length, peer.at), [A.userInvalid]: true }), peer);
  }

  if (m.startsWith('input_userauth_request: invalid user ')) {
    return Object.assign(failure('invalid_user'), { [F.userName]: body.slice(37), [A.userInvalid]: true });
  }

  if (m.startsWith('PAM: ')) {
    // "PAM: Authentication failure for U from H", "PAM: authentication error for U from H via LOCAL",
    // "PAM: User not known to the underlying authentication module for illegal user U from H"
    const lower = m.slice(5, 80).toLowerCase();
    if (!lower.startsWith('authentication failure for ') && !lower.startsWith('authentication error for ') && !lower.startsWith('user not known to the underlying authentication module for ')) return undefined;
    const forAt = m.indexOf(' for ') + 5;
    const up = userAndPeer(m.slice(forAt).trimEnd());
    if (!up) return undefined;
    const f = withPeer(Object.assign(failure('ssh_login'), { [F.userName]: up.user, [A.userAuthMethod]: 'pam' }), up.peer);
    if (up.invalid || lower.startsWith('user not known')) f[A.userInvalid] = true;
    return f;
  }

  if (m.startsWith('maximum authentication attempts exceeded for ')) {
    const up = userAndPeer(m.slice(45));
    if (!up) return undefined;
    const f = withPeer(Object.assign(failure('ssh_max_auth_attempts', AUTH, ['info', 'denied']), { [F.userName]: up.user }), up.peer);
    if (up.invalid) f[A.userInvalid] = true;
    return f;
  }

  if (body.startsWith('Disconnecting: Too many authentication failures')) {
    const f = failure('ssh_max_auth_attempts', AUTH, ['info', 'denied']);
    const forAt = body.indexOf(' for ', 47);
    if (forAt !== -1) f[F.userName] = body.slice(forAt + 5);
    return peerFromState(f, connKey(event));
  }

  if (m.startsWith('User ') && m.includes(' not allowed because ')) {
    // "User U from H not allowed because not listed in AllowUsers", "User U not allowed because account is locked"
    const because = m.lastIndexOf(' not allowed because ');
    const head = m.slice(5, because);
    const f = Object.assign(failure('user_not_allowed', AUTH, ['info', 'denied']), { [A.sshReason]: m.slice(because + 21) });
    const from = head.lastIndexOf(' from ');
    const addr = from === -1 ? undefined : addressFields(head.slice(from + 6));
    if (addr) return Object.assign(f, { [F.userName]: head.slice(0, from) }, addr);
    return Object.assign(f, { [F.userName]: head });
  }

  const root = m.startsWith('ROOT LOGIN REFUSED FROM ') ? ROOT_REFUSED.exec(m) : null;
  if (root) {
    const addr = addressFields(root[1] as string);
    if (!addr) return undefined;
    return withPeer(Object.assign(failure('root_login_refused', AUTH, ['info', 'denied']), { [F.userName]: 'root' }), peerOf(addr, root[2]));
  }

  const refused = m.startsWith('refused connect from ') ? REFUSED_CONNECT.exec(m) : null;
  if (refused) {
    const addr = addressFields(refused[1] as string);
    if (!addr) return undefined;
    return Object.assign(failure('connection_refused', NET, ['connection', 'denied']), addr);
  }

  const rd = m.startsWith('Received disconnect from ') ? RECEIVED_DISCONNECT.exec(m) : null;
  if (rd) {
    const addr = addressFields(rd[1] as string);
    if (!addr) return undefined;
    const code = Number(rd[3]);
    const reason = body.slice(rd[0].length);
    // before authentication, or "auth fail"/"no authentication methods" codes: a failed attempt
    const failed = preauth || code === 3 || code === 14 || /auth fail/i.test(reason.slice(-40));
    const f: Fields = failed
      ? failure('ssh_disconnect', ['authentication', 'network'], ['end'])
      : { [F.eventCategory]: NET, [F.eventType]: ['end'], [F.eventAction]: 'ssh_disconnect' };
    f[A.sshReason] = reason;
    return withPeer(f, peerOf(addr, rd[2]));
  }

  for (const p of CLOSED) {
    if (!body.startsWith(p)) continue;
    let rest = body.slice(p.length);
    let reason: string | undefined;
    if (p.startsWith('Disconnecting ')) {
      // "Disconnecting invalid user U H port P: REASON"
      const colon = reasonColon(rest);
      if (colon === -1) return undefined;
      reason = rest.slice(colon + 2);
      rest = `${p.slice(14)}${rest.slice(0, colon)}`;
    }
    let user: string | undefined;
    let invalid = false;
    for (const u of CLOSED_USER) {
      if (rest.startsWith(u)) {
        invalid = u === 'invalid user ';
        rest = rest.slice(u.length);
        user = '';
        break;
      }
    }
    const peer = trailingPeer(` ${rest}`);
    if (!peer) return undefined;
    if (user !== undefined) user = peer.head.slice(1);
    else if (peer.head !== '') return undefined;
    const closed = p.startsWith('Disconnect') ? 'ssh_disconnect' : p.startsWith('Connection reset') ? 'ssh_connection_reset' : 'ssh_connection_closed';
    // closed before authentication (or after an unfinished failure on this connection): a failed attempt
    const k = connKey(event);
    const pending = k !== undefined ? connections.get(k)?.pendingFailure : undefined;
    const failed = preauth || reason !== undefined || pending !== undefined;
    const f: Fields = failed
      ? failure(closed, ['authentication', 'network'], ['end'])
      : { [F.eventCategory]: NET, [F.eventType]: ['end'], [F.eventAction]: closed };
    if (user !== undefined) f[F.userName] = user;
    if (invalid) f[A.userInvalid] = true;
    if (reason !== undefined) f[A.sshReason] = reason;
    if (k !== undefined) connections.delete(k);
    return withPeer(f, peer);
  }

  if (m.startsWith('Did not receive identification string from ') || m.startsWith('Bad protocol version identification ')) {
    const peer = peerAfter(m, 0);
    const f = failure('ssh_bad_identification', ['network', 'intrusion_detection'], ['connection', 'denied']);
    return peer ? withPeer(f, peer) : undefined;
  }

  const neg = m.startsWith('Unable to negotiate with ') ? NEGOTIATE.exec(m) : null;
  if (neg) {
    const addr = addressFields(neg[1] as string);
    if (!addr) return undefined;
    return withPeer(Object.assign(failure('ssh_negotiation_failure', NET, ['connection', 'denied']), { [A.sshReason]: neg[3] }), peerOf(addr, neg[2]));
  }

  const wp = m.startsWith('banner exchange: ') || m.startsWith('ssh_dispatch_run_fatal: ') ? WITH_PEER_COLON.exec(m) : null;
  if (wp) {
    const addr = addressFields(wp[2] as string);
    if (!addr) return undefined;
    return withPeer(Object.assign(failure('ssh_bad_identification', ['network', 'intrusion_detection'], ['connection', 'denied']), { [A.sshReason]: body.slice(wp[0].length) }), peerOf(addr, wp[3]));
  }

  const to = m.startsWith('Timeout before authentication for ') ? TIMEOUT.exec(m) : null;
  if (to) {
    const addr = addressFields(to[1] as string);
    if (!addr) return undefined;
    return withPeer(failure('ssh_auth_timeout', ['authentication', 'network'], ['end']), peerOf(addr, to[2]));
  }

  const rev = m.startsWith('reverse mapping checking getaddrinfo for ') ? REVERSE_MAP.exec(m) : m.startsWith('Address ') ? MAPS_TO.exec(m) : null;
  if (rev) {
    const reverse = rev[0].startsWith('reverse');
    const ipText = (reverse ? rev[2] : rev[1]) as string;
    const addr = addressFields(ipText);
    if (!addr || addr[F.sourceIp] === undefined) return undefined;
    const name = ((reverse ? rev[1] : rev[2]) as string).toLowerCase();
    const f: Fields = { [F.eventCategory]: ['network', 'intrusion_detection'], [F.eventType]: INFO, [F.eventAction]: 'break_in_attempt' };
    Object.assign(f, addr);
    f[A.sourceDomain] = name;
    f[A.sshReason] = reverse ? 'reverse mapping failed' : 'forward mapping mismatch';
    return f;
  }

  const cf = m.startsWith('Connection from ') ? CONNECTION_FROM.exec(m) : null;
  if (cf) {
    const addr = addressFields(cf[1] as string);
    if (!addr) return undefined;
    const port = portNumber(cf[2]);
    const f: Fields = Object.assign({ [F.eventCategory]: NET, [F.eventType]: ['connection', 'start'], [F.eventAction]: 'ssh_connection' }, addr);
    if (port !== undefined) f[F.sourcePort] = port;
    const dst = cf[3] !== undefined ? addressFields(cf[3]) : undefined;
    if (dst?.[F.sourceIp] !== undefined) f[F.destinationIp] = dst[F.sourceIp];
    const dport = portNumber(cf[4]);
    if (dport !== undefined) f[F.destinationPort] = dport;
    remember(connKey(event), port !== undefined ? { addr, port } : { addr });
    return f;
  }

  const audit = m.startsWith('SSH: Server;Ltype: ') ? SSH_AUDIT.exec(m) : null;
  if (audit) {
    const addr = addressFields(audit[1] as string);
    if (!addr) return undefined;
    const port = portNumber(audit[2]);
    remember(connKey(event), port !== undefined ? { addr, port } : { addr });
    return withPeer({ [F.eventCategory]: NET, [F.eventType]: INFO, [F.eventAction]: 'ssh_connection' }, port !== undefined ? { addr, port } : { addr });
  }

  if (m.startsWith('PAM ') && m.includes(' more authentication failure')) {
    // "PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=H  user=root"
    const n = /^PAM (\d{1,6}) more/.exec(m);
    const f = failure('ssh_login');
    if (n) f[A.repeatCount] = Number(n[1]);
    const rhost = m.indexOf(' rhost=');
    if (rhost !== -1) {
      const end = m.indexOf(' ', rhost + 7);
      const addr = addressFields(m.slice(rhost + 7, end === -1 ? undefined : end));
      if (addr) Object.assign(f, addr);
      const user = m.indexOf(' user=', rhost + 7);
      if (user !== -1) f[F.userName] = m.slice(user + 6);
    }
    return f;
  }

  if (level !== undefined || preauth) {
    for (const [needle, action, category] of PEERLESS_FAILURES) {
      if (!body.startsWith(needle)) continue;
      return peerFromState(failure(action, category, ['connection', 'denied']), connKey(event));
    }
  }
  return undefined;
}

/** The ": " that ends "… ADDR port N" (the reason after it may hold more colons). */
function reasonColon(text: string): number {
  let at = text.indexOf(': ');
  while (at !== -1) {
    if (/ port \d{1,5}$/.test(text.slice(Math.max(0, at - 11), at))) return at;
    at = text.indexOf(': ', at + 1);
  }
  return -1;
}

/** An address and, when `s` is a port number, the port. */
function peerOf(addr: Fields, s: string | undefined): { addr: Fields; port?: number } {
  const port = portNumber(s);
  return port !== undefined ? { addr, port } : { addr };
}

/** A failure naming no peer takes the connection's peer; without one it waits for the connection's next line. */
function peerFromState(f: Fields, key: string | undefined): Fields {
  const c = key !== undefined ? connections.get(key) : undefined;
  if (c?.addr) return withPeer(f, c.port !== undefined ? { addr: c.addr, port: c.port } : { addr: c.addr });
  remember(key, { pendingFailure: f });
  return f;
}

/** OpenSSH's sshd messages (sshd-session is the per-connection process of OpenSSH 9.8 and later). */
export const sshdParser: MessageParser = {
  name: 'sshd',
  dataset: 'sshd',
  programs: ['sshd', 'sshd-session'],
  parse(message, event) {
    const f = sshdFields(message, event);
    if (!f) return false;
    apply(event, f);
    return true;
  },
};
