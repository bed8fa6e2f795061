import { authFailure, fieldsParser, splitHostPort, type Fields } from './service-fields.js';

// A server line starts with the peer: `192.0.2.1:51234`, `[AF_INET]192.0.2.1:51234` or `bob/192.0.2.1:51234`.
const PEER = /^(?:([^\s/]{1,128})\/)?(?:\[AF_INET6?\])?(\[[0-9A-Fa-f:.]{2,45}\]:\d{1,5}|[0-9A-Fa-f:.]{2,45}:\d{1,5}) /;
// `TLS Auth Error: Auth Username/Password verification failed for peer`, `TLS Auth Error: username 'bob' …`
const TLS_AUTH = /^TLS Auth Error: ?(.*)$/;
const USERNAME = /\b[Uu]sername '([^']{0,256})'/;
// auth-pam plugin: `AUTH-PAM: BACKGROUND: user 'bob' failed to authenticate: Authentication failure`
const PAM = /^AUTH-PAM: BACKGROUND: user '([^']*)' failed to authenticate/;
// client side: `AUTH: Received control message: AUTH_FAILED`
const CLIENT_FAILED = /^AUTH: Received control message: AUTH_FAILED/;

export function openvpnFields(message: string): Fields | undefined {
  const p = PEER.exec(message);
  const rest = p ? message.slice(p[0].length) : message;
  const peer = p ? splitHostPort(p[2] as string) : undefined;
  const t = TLS_AUTH.exec(rest);
  if (t) {
    const f = authFailure('vpn_login', peer?.host, USERNAME.exec(rest)?.[1] ?? p?.[1], peer?.port);
    f['event.reason'] = t[1];
    return f;
  }
  const pam = PAM.exec(rest);
  if (pam) return authFailure('vpn_login', peer?.host, pam[1], peer?.port);
  if (CLIENT_FAILED.test(rest)) return authFailure('vpn_login_rejected', peer?.host, p?.[1], peer?.port);
  return undefined;
}

/** OpenVPN authentication failures (server `TLS Auth Error`, the PAM plugin, client `AUTH_FAILED`). */
export const openvpnParser = fieldsParser({ name: 'openvpn', dataset: 'openvpn', programs: ['openvpn', 'ovpn-server', 'ovpn-client'] }, openvpnFields);
