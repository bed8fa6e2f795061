import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { authFailure, authSuccess, type Fields } from './service-fields.js';
import { ADDR, digitAt, fieldsFormat } from './webapp-common.js';

/**
 * GitLab's application.log (gitlab-rails): `2020-04-09T14:04:00.667Z: Failed Login: username=admin ip=192.0.2.1`
 * and `Successful Login: username=x ip=192.0.2.1 method=standard admin=false`. Other lines keep their message.
 */

const HEAD = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z): /;
const FAILED = new RegExp(`^Failed Login: username=(.{0,255}) ip=(${ADDR})$`);
const OK = new RegExp(`^Successful Login: username=(.{0,255}) ip=(${ADDR})(?: method=(\\S{1,64}))?(?: admin=(true|false))?$`);

export function gitlabFields(line: string): Fields | undefined {
  const h = HEAD.exec(line);
  if (!h) return undefined;
  const ms = Date.parse(h[1] as string);
  if (Number.isNaN(ms)) return undefined;
  const text = line.slice(h[0].length);
  let f: Fields;
  const m = text.startsWith('Failed Login: ') ? FAILED.exec(text) : null;
  const o = !m && text.startsWith('Successful Login: ') ? OK.exec(text) : null;
  if (m) f = authFailure('gitlab_login', m[2], m[1] === '' ? undefined : m[1]);
  else if (o) {
    f = authSuccess('gitlab_login', o[2], o[1]);
    if (o[3] !== undefined) f['user.authentication.method'] = o[3];
  } else f = { [F.message]: text };
  f[F.timestamp] = new Date(ms).toISOString();
  return f;
}

export const gitlabFormat: LineFormat = fieldsFormat(
  { name: 'gitlab', dataset: 'gitlab.application' },
  (line) => digitAt(line, 0) && line.charCodeAt(4) === 45 && line.charCodeAt(10) === 84 && line.slice(19, 32).includes('Z: '),
  gitlabFields,
);
