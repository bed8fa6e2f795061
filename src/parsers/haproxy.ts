import { F } from '../schema/fields.js';
import { fieldsParser, SF, setSource, splitHostPort, type Fields } from './service-fields.js';

// HTTP log format: `192.0.2.1:54321 [09/Dec/2013:12:59:46.633] front back/srv1 0/0/0/1/1 401 234 - - ---- 1/1/0/0/0 0/0 "GET /admin HTTP/1.1"`
const HTTP = /^(\S{1,60}) \[(\d{2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)\] (\S{1,256}) ([^\s/]{1,256})\/(\S{1,256}) -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+ (-?\d{1,3}) \+?(\d+) /;
const REQUEST = /^"([A-Z]{1,16}) (\S{1,8192}) (HTTP\/[\d.]{1,5})"$/;

export function haproxyFields(message: string): Fields | undefined {
  const m = HTTP.exec(message);
  if (!m) return undefined;
  const status = Number(m[6]);
  const f: Fields = {
    [F.eventCategory]: status === 401 || status === 403 ? ['web', 'authentication'] : ['web'],
    [F.eventType]: status === 401 || status === 403 ? ['access', 'denied'] : ['access'],
    [F.eventOutcome]: status >= 400 || status < 0 ? 'failure' : 'success',
    [F.eventAction]: 'http_request',
    'haproxy.frontend_name': m[3],
    'haproxy.backend_name': m[4],
    'haproxy.server_name': m[5],
    'http.response.bytes': Number(m[7]),
  };
  if (status >= 0) f[SF.httpStatus] = status;
  const peer = splitHostPort(m[1] as string);
  setSource(f, peer.host, peer.port);
  const q = message.lastIndexOf(' "');
  const r = q >= 0 ? REQUEST.exec(message.slice(q + 1)) : null;
  if (r) {
    f[SF.httpMethod] = r[1];
    f[SF.urlOriginal] = r[2];
    f[SF.httpVersion] = (r[3] as string).slice(5);
  }
  return f;
}

/** HAProxy HTTP log lines; 401 and 403 responses are recorded as denied authentication. */
export const haproxyParser = fieldsParser({ name: 'haproxy', dataset: 'haproxy', programs: ['haproxy'] }, haproxyFields);
