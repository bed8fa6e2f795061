import { authFailure, fieldsParser, SF, type Fields } from './service-fields.js';

// `info: block(1): tcp/accept ]: 192.0.2.4.50550 0.0.0.0.1080: error after reading 35 bytes in 0 seconds: system password authentication failed for user "aland"`
// Addresses are written `ADDR.PORT`.
const BLOCK = /^(?:info: )?block\(\d+\): tcp\/accept \]: ([0-9A-Fa-f:.]{3,51})\.(\d{1,5}) [0-9A-Fa-f:.]{3,51}\.\d{1,5}: ([^:]{0,200}): /;
const USER = /(?:could not access user|(?:system password|password|pam|bsdauth|gssapi) authentication failed for user|pam_authenticate\(\) for user|for user) "([^"]{0,256})"/;
const AUTH_HINT = /authentication failed|could not access user|pam_authenticate/;

export function danteFields(message: string): Fields | undefined {
  const m = BLOCK.exec(message);
  if (!m) return undefined;
  const rest = message.slice(m[0].length);
  if (!AUTH_HINT.test(rest)) return undefined;
  const user = USER.exec(rest);
  const f = authFailure('socks_login', m[1], user?.[1], m[2]);
  f[SF.reason] = rest;
  return f;
}

/** Dante SOCKS server (`danted`): blocked clients that failed to authenticate. */
export const danteParser = fieldsParser({ name: 'dante', dataset: 'dante', programs: ['danted', 'sockd'] }, danteFields);
