import { F } from '../schema/fields.js';
import { authFailure, authSuccess, fieldsParser, SF, type Fields } from './service-fields.js';

/**
 * Proxmox VE API logins (pvedaemon, pveproxy): `authentication failure; rhost=192.0.2.1 user=root@pam
 * msg=invalid credentials` and `successful auth for user 'root@pam'`. The user keeps its realm (`root@pam`,
 * `jose@pve`): the same name is a different account in another realm.
 */

const FAILURE = /^authentication failure; rhost=(\S{1,64}) user=(\S{1,255})(?: msg=(.{0,1024}))?$/;
const SUCCESS = /^successful auth for user '([^']{1,255})'$/;

export function proxmoxFields(message: string): Fields | undefined {
  const c = message.charCodeAt(0);
  if (c === 97) {
    const m = FAILURE.exec(message);
    if (!m) return undefined;
    const f = authFailure('proxmox_login', m[1], m[2]);
    if (m[3] !== undefined && m[3] !== '') f[SF.reason] = m[3];
    return f;
  }
  if (c === 115) {
    const s = SUCCESS.exec(message);
    if (!s) return undefined;
    const f = authSuccess('proxmox_login', undefined, s[1]);
    f[F.eventCategory] = ['authentication'];
    return f;
  }
  return undefined;
}

export const proxmoxParser = fieldsParser({ name: 'proxmox', dataset: 'proxmox', programs: ['pvedaemon', 'pveproxy'] }, proxmoxFields);
