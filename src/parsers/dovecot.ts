import { authFailure, fieldsParser, SF, type Fields } from './service-fields.js';

// `auth: passwd-file(user,192.0.2.1): unknown user`, `auth-worker(123): sql(user,192.0.2.1,<sess>): Password mismatch`
const AUTH = /^(?:auth(?:-worker\(\d+\))?: )?(?:(?:Info|Debug|Error|Warning): )?([a-z][a-z0-9_-]{0,31})\(([^,()]*),([^,()]*)(?:,<[^>]*>)?\): (unknown user|Password mismatch|pam_authenticate\(\) failed: [^()]*|User not known to the underlying authentication module)/;
// `imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<x>, method=PLAIN, rip=H, lip=L`
const LOGIN = /^(?:(imap|pop3|managesieve|submission|lmtp)-login: )?(?:(?:Info|Debug): )?(?:Disconnected|Aborted login|Login aborted|Connection closed)[^()]{0,80}\(auth failed, (\d+) attempts?/;
const USER = /\buser=<([^>]{0,256})>/;
const METHOD = /\bmethod=([A-Za-z0-9-]+)/;
const RIP = /\brip=([0-9A-Fa-f:.]+)/;
const RPORT = /\brport=(\d+)/;

export function dovecotFields(message: string): Fields | undefined {
  const l = LOGIN.exec(message);
  if (l) {
    const rip = RIP.exec(message);
    const user = USER.exec(message);
    const f = authFailure('login_failed', rip?.[1], user?.[1], RPORT.exec(message)?.[1]);
    const method = METHOD.exec(message);
    if (method) f[SF.authMethod] = method[1];
    if (l[1] !== undefined) f['network.protocol'] = l[1];
    return f;
  }
  const a = AUTH.exec(message);
  if (a) {
    const reason = a[4] as string;
    const f = authFailure(reason === 'Password mismatch' || reason.startsWith('pam_') ? 'password_mismatch' : 'unknown_user', a[3], a[2]);
    f[SF.authMethod] = a[1];
    f[SF.reason] = reason;
    return f;
  }
  return undefined;
}

/** Dovecot IMAP/POP3 logins and its auth process (`pam_unix(dovecot:auth)` lines belong to the PAM parser). */
export const dovecotParser = fieldsParser(
  {
    name: 'dovecot',
    dataset: 'dovecot',
    programs: ['dovecot', 'imap-login', 'pop3-login', 'managesieve-login', 'submission-login', 'auth', 'auth-worker'],
  },
  dovecotFields,
);
