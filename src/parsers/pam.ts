import { getPath } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { A, addressFields, apply, type Fields } from './auth-common.js';
import type { MessageParser } from './message-parser.js';

/*
 * Linux-PAM module messages, logged under the name of the program that called PAM (sshd, su, vsftpd, cron, …):
 *   pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=H  user=U
 *   pam_unix(sshd:auth): check pass; user unknown
 *   pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)
 * and the pre-0.99 forms "(pam_unix) authentication failure; …" and, with the module in the program name
 * ("sshd(pam_unix)[1]: …"), the bare message.
 */

/** "pam_unix(sshd:auth): ", "pam_sss(login:auth): ", "pam_unix: ", "(pam_unix) ", "PAM-env(x:y): " … */
const MODULE = /^(?:\((pam_[\w-]{1,32})\) |(pam_[\w-]{1,32})(?:\(([\w.@/+-]{0,64})(?::(\w{1,16}))?\))?: )/;
const FAILURE_HEAD = /^authentication failure; logname=(\S{0,256}) uid=(\d{0,10}) euid=(\d{0,10}) tty=(\S{0,256}) ruser=/;
const SESSION = /^session (opened|closed) for user /;

export interface PamMessage {
  module?: string;
  service?: string;
  type?: string;
  /** the message after the module prefix */
  text: string;
}

/** Splits the module prefix off a PAM message. */
export function pamMessage(message: string): PamMessage {
  // the prefix starts with "(pam_" or "pam_"
  const c = message.charCodeAt(0);
  const m = c === 40 || c === 112 ? MODULE.exec(message) : null;
  if (!m) return { text: message };
  const r: PamMessage = { text: message.slice(m[0].length) };
  const module = m[1] ?? m[2];
  if (module !== undefined) r.module = module;
  // "pam_unix(sshd:auth)" names service and type; "pam_unix(auth)" only the type
  if (m[4] !== undefined) {
    if (m[3] !== undefined && m[3] !== '') r.service = m[3];
    r.type = m[4];
  } else if (m[3] !== undefined && m[3] !== '') r.type = m[3];
  return r;
}

/**
 * "ruser=R rhost=H[  user=U]": the remote user and the client may both hold text that imitates the other fields, so
 * rhost is the first " rhost=" whose value (sshd and login put an address or a host name there, never a space) is
 * followed by the end of the line or by " user=".
 */
function remoteFields(rest: string): { ruser: string; rhost: string; user?: string } | undefined {
  let from = rest.indexOf(' rhost=');
  while (from !== -1) {
    const valueStart = from + 7;
    let end = rest.indexOf(' ', valueStart);
    if (end === -1) end = rest.length;
    let next = end;
    while (rest.charCodeAt(next) === 32) next++;
    if (next >= rest.length) return { ruser: rest.slice(0, from), rhost: rest.slice(valueStart, end) };
    if (rest.startsWith('user=', next)) return { ruser: rest.slice(0, from), rhost: rest.slice(valueStart, end), user: rest.slice(next + 5).trimEnd() };
    from = rest.indexOf(' rhost=', from + 1);
  }
  return undefined;
}

function base(p: PamMessage): Fields {
  const f: Fields = {};
  if (p.module !== undefined) f[A.pamModule] = p.module;
  if (p.service !== undefined) f[A.pamService] = p.service;
  if (p.type !== undefined) f[A.pamType] = p.type;
  return f;
}

/** The module fields, then an authentication failure (fields are set one by one: spreading dotted keys is slow). */
function authFailure(p: PamMessage): Fields {
  const f = base(p);
  f[F.eventCategory] = ['authentication'];
  f[F.eventType] = ['info'];
  f[F.eventAction] = 'authentication_failure';
  f[F.eventOutcome] = 'failure';
  return f;
}

/** The ECS fields of a PAM message, or undefined when it is not one. */
export function pamFields(message: string, programModule?: string): Fields | undefined {
  const p = pamMessage(message);
  if (p.module === undefined && programModule !== undefined) p.module = programModule;
  const t = p.text;
  const head = t.startsWith('authentication failure; logname=') ? FAILURE_HEAD.exec(t) : null;
  if (head) {
    const remote = remoteFields(t.slice(head[0].length));
    const f = authFailure(p);
    if (head[2] !== '') f[A.userId] = head[2];
    if (head[3] !== '') f[A.userEffectiveId] = head[3];
    if (head[4] !== '') f[A.processTtyName] = head[4];
    if (head[1] !== '') f[A.pamLogname] = head[1];
    if (!remote) return f;
    if (remote.ruser !== '') f[A.pamRuser] = remote.ruser;
    // the account tried; older modules and FTP daemons give only the remote user
    const user = remote.user !== undefined && remote.user !== '' ? remote.user : remote.ruser;
    if (user !== '') f[F.userName] = user;
    const addr = addressFields(remote.rhost);
    if (addr) Object.assign(f, addr);
    return f;
  }
  if (p.module === undefined) return undefined;
  if (t.startsWith('check pass; user unknown')) {
    const f = authFailure(p);
    f[A.userInvalid] = true;
    return f;
  }
  if (t.startsWith('auth could not identify password for [')) {
    const end = t.lastIndexOf(']');
    const f = authFailure(p);
    f[F.userName] = t.slice(39, end > 39 ? end : undefined);
    return f;
  }
  const s = t.startsWith('session ') ? SESSION.exec(t) : null;
  if (s) {
    // "session opened for user U by (uid=0)", "session opened for user U(uid=1000) by U2(uid=0)", "session closed for user U"
    let rest = t.slice(s[0].length);
    const by = rest.lastIndexOf(' by ');
    let actor: string | undefined;
    if (by !== -1) {
      actor = rest.slice(by + 4);
      rest = rest.slice(0, by);
    }
    const uid = /\(uid=(\d{1,10})\)$/.exec(rest);
    if (uid) rest = rest.slice(0, uid.index);
    const f = base(p);
    f[F.eventCategory] = ['session'];
    f[F.eventType] = [s[1] === 'opened' ? 'start' : 'end'];
    f[F.eventAction] = s[1] === 'opened' ? 'session_opened' : 'session_closed';
    f[F.eventOutcome] = 'success';
    f[F.userName] = rest;
    if (uid) f[A.userId] = uid[1];
    if (actor !== undefined) {
      const au = /^(.{0,256}?)\(uid=(\d{1,10})\)$/.exec(actor);
      if (au && au[1] !== '') f[A.pamByUser] = au[1];
      if (au) f[A.pamByUid] = au[2];
    }
    return f;
  }
  if (t.startsWith('password changed for ')) {
    const f = base(p);
    f[F.eventCategory] = ['iam'];
    f[F.eventType] = ['user', 'change'];
    f[F.eventAction] = 'password_changed';
    f[F.eventOutcome] = 'success';
    f[F.userName] = t.slice(21);
    return f;
  }
  return undefined;
}

/** PAM messages of any program. */
export const pamParser: MessageParser = {
  name: 'pam',
  dataset: 'pam',
  programs: [],
  any: true,
  parse(message, event) {
    // "sshd(pam_unix)[1]: check pass; user unknown": the module is in the program name
    const name = getPath(event, F.processName);
    const paren = typeof name === 'string' && name.endsWith(')') ? /\((pam_[\w-]{1,32})\)$/.exec(name) : null;
    const f = pamFields(message, paren?.[1]);
    if (!f) return false;
    apply(event, f);
    return true;
  },
};
