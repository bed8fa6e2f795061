import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { setSource, type Fields } from './service-fields.js';
import { fieldsFormat, parseCtime, setUrlFields, sniffCtimeDash } from './webapp-common.js';

/**
 * Monitorix's built-in web server log: `Wed Apr 14 08:54:22 2021 - NOTEXIST - [192.0.2.1] File does not exist:
 * /manager/html`, also `NOTALLOWED` (client not in the allowed hosts), `AUTHERR` (wrong credentials) and `OK` (a
 * served request: `"GET /path - user agent"`).
 */

const BODY = /^([A-Z]{2,16}) - \[([0-9A-Fa-f:.]{2,45})\] (.{0,8192})$/;
const PATH_AFTER = /^(File does not exist|Access not allowed|Authentication error): (\S{0,4096})$/;
const REQUEST = /^"([A-Z]{1,16}) (\S{1,4096}) - (.{0,4096})"$/;

const KINDS: Record<string, { action: string; status: number; auth: boolean; denied: boolean }> = {
  NOTEXIST: { action: 'file_not_found', status: 404, auth: false, denied: false },
  NOTALLOWED: { action: 'access_not_allowed', status: 403, auth: false, denied: true },
  AUTHERR: { action: 'authentication_error', status: 401, auth: true, denied: true },
};

export function monitorixFields(line: string): Fields | undefined {
  const ts = parseCtime(line.slice(0, 24));
  if (ts === undefined) return undefined;
  const b = BODY.exec(line.slice(27));
  if (!b) return undefined;
  const status = b[1] as string;
  const text = b[3] as string;
  const f: Fields = { [F.timestamp]: ts, [F.eventAction]: status.toLowerCase() };
  setSource(f, b[2]);
  const kind = KINDS[status];
  if (kind) {
    const p = PATH_AFTER.exec(text);
    f[F.eventCategory] = kind.auth ? ['web', 'authentication'] : ['web'];
    f[F.eventType] = kind.denied ? ['access', 'denied'] : ['access'];
    f[F.eventOutcome] = 'failure';
    f[F.eventAction] = kind.action;
    f[F.httpResponseStatusCode] = kind.status;
    if (p) setUrlFields(f, p[2] as string);
    return f;
  }
  if (status === 'OK') {
    f[F.eventCategory] = ['web'];
    f[F.eventType] = ['access'];
    f[F.eventOutcome] = 'success';
    f[F.eventAction] = 'request';
    const r = REQUEST.exec(text);
    if (r) {
      f[F.httpRequestMethod] = r[1];
      setUrlFields(f, r[2] as string);
      if (r[3] !== '') f[F.userAgentOriginal] = r[3];
    }
    return f;
  }
  f[F.message] = text;
  return f;
}

export const monitorixFormat: LineFormat = fieldsFormat(
  { name: 'monitorix', dataset: 'monitorix' },
  (line) => {
    const c = line.charCodeAt(27);
    return c >= 65 && c <= 90 && sniffCtimeDash(line);
  },
  monitorixFields,
);
