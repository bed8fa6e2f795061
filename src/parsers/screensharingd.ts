import { authFailure, authSuccess, fieldsParser, type Fields } from './service-fields.js';

/**
 * macOS Screen Sharing (VNC) daemon: `Authentication: FAILED :: User Name: someone :: Viewer Address: 192.0.2.7 ::
 * Type: DH`. The user name is free text (it may hold spaces and `::`), so it ends at the last ` :: Viewer Address: `.
 */
const AUTH = /^Authentication: (FAILED|SUCCEEDED) :: User Name: (.{0,256}?) :: (?::: )?Viewer Address: ([0-9A-Fa-f:.]{2,45}) :: Type: ([\w-]{1,32})$/;

export function screensharingdFields(message: string): Fields | undefined {
  const m = AUTH.exec(message);
  if (!m) return undefined;
  const f = m[1] === 'FAILED' ? authFailure('vnc_login', m[3], m[2]) : authSuccess('vnc_login', m[3], m[2]);
  f['user.authentication.method'] = m[4];
  return f;
}

export const screensharingdParser = fieldsParser({ name: 'screensharingd', dataset: 'screensharingd', programs: ['screensharingd'] }, screensharingdFields);
