import { F } from '../schema/fields.js';
import { splitKv } from './kv.js';
import type { LineFormat } from './message-parser.js';
import { authFailure, SF, type Fields } from './service-fields.js';
import { address, digitAt, fieldsFormat } from './webapp-common.js';

/**
 * Grafana's log file (logfmt): `t=2020-10-19T17:44:33+0200 lvl=eror msg="Invalid username or password"
 * logger=context userId=0 orgId=0 uname= error="User not found" remote_addr=192.0.2.1`. Failed logins become
 * authentication failures; other lines keep their level, logger and message.
 */

const LEVELS: Record<string, string> = { eror: 'error', warn: 'warning', info: 'info', dbug: 'debug', crit: 'critical' };
const FAILED_LOGIN = 'Invalid username or password';

/** `2020-10-19T17:44:33+0200` → ISO text in UTC. */
function grafanaTime(t: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}:?\d{2})$/.exec(t);
  if (!m) return undefined;
  const zone = m[2] === 'Z' ? 'Z' : `${(m[2] as string).slice(0, 3)}:${(m[2] as string).slice(-2)}`;
  const ms = Date.parse(`${m[1] as string}${zone}`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function grafanaFields(line: string): Fields | undefined {
  const kv = new Map(splitKv(line));
  const t = kv.get('t');
  const ts = t !== undefined ? grafanaTime(t) : undefined;
  if (ts === undefined) return undefined;
  const msg = kv.get('msg');
  let f: Fields;
  if (msg === FAILED_LOGIN) {
    const uname = kv.get('uname');
    const remote = kv.get('remote_addr');
    f = authFailure('grafana_login', address(remote) ?? remote, uname === '' ? undefined : uname);
    const error = kv.get('error');
    if (error !== undefined) f[SF.reason] = error;
  } else f = {};
  f[F.timestamp] = ts;
  const lvl = kv.get('lvl') ?? kv.get('level');
  if (lvl !== undefined) f[F.logLevel] = LEVELS[lvl] ?? lvl;
  const logger = kv.get('logger');
  if (logger !== undefined) f['log.logger'] = logger;
  if (msg !== undefined) f[F.message] = msg;
  return f;
}

export const grafanaFormat: LineFormat = fieldsFormat(
  { name: 'grafana', dataset: 'grafana' },
  (line) => line.charCodeAt(0) === 116 && line.charCodeAt(1) === 61 && digitAt(line, 2) && line.charCodeAt(6) === 45 && line.charCodeAt(12) === 84,
  grafanaFields,
);
