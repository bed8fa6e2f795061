import { authFailure, fieldsParser, SF, type Fields } from './service-fields.js';

// `w8RBBi8d004567: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=bob, relay=host [192.0.2.1]`
const AUTH = /^(?:[0-9A-Za-z]{8,20}: )?AUTH failure \(([^)\s]*)\): ([^,]*)/;
const USER = /, user=([^,\s]{0,256})/;
const RELAY = /relay=(?:([^\s[\]]{1,255}) )?\[(?:IPv6:)?([^\]\s]{1,64})\]/;

export function sendmailFields(message: string): Fields | undefined {
  const a = AUTH.exec(message);
  if (!a) return undefined;
  const relay = RELAY.exec(message);
  const user = USER.exec(message);
  const f = authFailure('smtp_auth_failed', relay?.[2], user?.[1]);
  if (relay?.[1]) f[SF.sourceDomain] = relay[1];
  f[SF.authMethod] = a[1];
  f[SF.reason] = (a[2] as string).trim();
  f['event.category'] = ['authentication', 'email'];
  return f;
}

/** sendmail's SMTP AUTH failures. */
export const sendmailParser = fieldsParser({ name: 'sendmail', dataset: 'sendmail', programs: ['sendmail', 'sm-mta'] }, sendmailFields);
