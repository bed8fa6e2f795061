import { authFailure, fieldsParser, splitHostPort, type Fields } from './service-fields.js';

// `Auth: 192.0.2.1:2274->198.51.100.9:993 client-secure=ssl authorisation_id=NONE authentication_id="x" … status="failed: …"`
const AUTH = /^Auth: (\S+?)->(\S+) /;
const AUTH_ID = / authentication_id="([^"]{0,256})"/;
const STATUS = / status="([^"]{0,256})"/;
// `Fatal Error reading authentication information from client 192.0.2.1:2274->198.51.100.9:993: Exiting child`
const FATAL = /^Fatal Error reading authentication information from client (\S+?)->/;

export function perditionFields(message: string): Fields | undefined {
  const a = AUTH.exec(message);
  if (a) {
    const status = STATUS.exec(message)?.[1];
    if (status === undefined || !status.startsWith('failed')) return undefined;
    const peer = splitHostPort(a[1] as string);
    const f = authFailure('login_failed', peer.host, AUTH_ID.exec(message)?.[1], peer.port);
    f['event.reason'] = status;
    return f;
  }
  const x = FATAL.exec(message);
  if (x) {
    const peer = splitHostPort(x[1] as string);
    return authFailure('auth_read_error', peer.host, undefined, peer.port);
  }
  return undefined;
}

/** perdition IMAP/POP3 proxy (programs `perdition.imaps`, `perdition.pop3`, …). */
export const perditionParser = fieldsParser(
  {
    name: 'perdition',
    dataset: 'perdition',
    programs: ['perdition', 'perdition.imap4', 'perdition.imap4s', 'perdition.imaps', 'perdition.pop3', 'perdition.pop3s', 'perdition.managesieve'],
  },
  perditionFields,
);
