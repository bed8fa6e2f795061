import { authFailure, fieldsParser, type Fields } from './service-fields.js';

/**
 * SoftEther VPN Server security log, in its own file (`2020-05-12 10:53:19.781 Connection "CID-72": User
 * authentication failed. …`) or through syslog (`host  [hub.example/VPN/hub] (2020-05-13 10:53:19.591)
 * <SECURITY_LOG>: Connection "CID-594": …`). Neither carries a program name the header reader can find (the file
 * line's `Connection "CID-72":` is read as host and program), so this parser is tried for every program after a
 * one-character test.
 */

const AUTH_FAILED = /^User authentication failed\. The user name that has been provided was "(.{0,256})", from ([0-9A-Fa-f:.]{2,45})\.$/;
const SYSLOG = /^ ?\[([^\]\s]{1,256})\] \(\d{4}-\d{2}-\d{2} [\d:.]{8,15}\) <([A-Z_]{1,32})>: Connection "([^"]{1,64})": /;

function text(t: string, conn?: string, hub?: string): Fields | undefined {
  const m = AUTH_FAILED.exec(t);
  if (!m) return undefined;
  const f = authFailure('vpn_login', m[2], m[1]);
  if (conn !== undefined) f['session.id'] = conn;
  if (hub !== undefined) f['vigil.softether.hub'] = hub;
  return f;
}

export function softetherFields(message: string): Fields | undefined {
  const c = message.charCodeAt(0);
  if (c === 85) return message.startsWith('User authentication failed.') ? text(message) : undefined;
  if (c !== 91 && !(c === 32 && message.charCodeAt(1) === 91)) return undefined;
  const s = SYSLOG.exec(message);
  if (!s) return undefined;
  return text(message.slice(s[0].length), s[3], s[1]);
}

export const softetherParser = fieldsParser({ name: 'softethervpn', dataset: 'softethervpn', programs: ['vpnserver'], any: true }, softetherFields);
