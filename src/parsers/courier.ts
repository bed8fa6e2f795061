import { authFailure, fieldsParser, SF, type Fields } from './service-fields.js';

// `LOGIN FAILED, user=x, ip=[::ffff:192.0.2.1]`, `LOGIN FAILED, method=PLAIN, user=x, ip=[::ffff:192.0.2.1]`
const FAILED = /^LOGIN FAILED, (?:method=([A-Za-z0-9-]+), )?user=(.*), ip=\[([0-9A-Fa-f:.]+)\]$/;

export function courierFields(message: string): Fields | undefined {
  const m = FAILED.exec(message);
  if (!m) return undefined;
  const f = authFailure('login_failed', m[3], m[2]);
  if (m[1]) f[SF.authMethod] = m[1];
  return f;
}

/** Courier IMAP/POP3 login failures. */
export const courierParser = fieldsParser(
  {
    name: 'courier',
    dataset: 'courier',
    programs: ['courier-imapd', 'courier-pop3d', 'imapd-ssl', 'pop3d', 'pop3d-ssl', 'courierpop3login', 'courierpop3d', 'courieresmtpd'],
  },
  courierFields,
);
