import { authFailure, fieldsParser, SF, type Fields } from './service-fields.js';

// `badlogin: example.com[192.0.2.1] PLAIN authentication failure` (timsieved), and imapd/pop3d's
// `badlogin: host.example.com [192.0.2.1] plaintext user SASL(-13): authentication failure: checkpass failed`
const BADLOGIN = /^badlogin: ([^\s[\]]*) ?\[([^\]\s]+)\] ([A-Za-z0-9-]+) (?:([^\s[\]]+) )?(?:authentication failure|SASL\(-\d+\): ([^:]*))/;

export function cyrusFields(message: string): Fields | undefined {
  const m = BADLOGIN.exec(message);
  if (!m) return undefined;
  const f = authFailure('login_failed', m[2], m[4]);
  if (m[1] && m[1] !== 'unknown') f[SF.sourceDomain] = m[1];
  f[SF.authMethod] = m[3];
  if (m[5] !== undefined) f[SF.reason] = m[5];
  return f;
}

/** Cyrus IMAP, POP3 and the timsieved (Sieve) daemon: `badlogin` lines. */
export const cyrusParser = fieldsParser(
  {
    name: 'cyrus',
    dataset: 'cyrus',
    programs: ['sieve', 'timsieved', 'cyrus/timsieved', 'cyrus/imap', 'cyrus/imapd', 'cyrus/imaps', 'cyrus/pop3', 'cyrus/pop3d', 'cyrus/pop3s', 'cyrus/sieve'],
  },
  cyrusFields,
);
