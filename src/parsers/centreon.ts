import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { authFailure, setSource, SF, type Fields } from './service-fields.js';
import { ADDR, digitAt, fieldsFormat, isoFromParts } from './webapp-common.js';

/**
 * Centreon's login log (`login.log`): `2019-10-21 18:55:15|-1|0|0|[WEB] [192.0.2.1] Authentication failed for 'admin'
 * : password mismatch`. Other lines keep their message and address.
 */

const LINE = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})\\|(-?\\d{1,9})\\|(-?\\d{1,9})\\|(-?\\d{1,9})\\|\\[(\\w{1,16})\\] \\[(${ADDR})\\] (.{0,8192})$`);
const FAILED = /^Authentication failed for '([^']{0,255})' ?: ?(.{0,1024})$/;

export function centreonFields(line: string): Fields | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const text = m[12] as string;
  const failed = FAILED.exec(text);
  let f: Fields;
  if (failed) {
    f = authFailure('centreon_login', m[11], failed[1]);
    if (failed[2] !== '') f[SF.reason] = failed[2];
  } else {
    f = { [F.message]: text };
    setSource(f, m[11]);
  }
  f['service.type'] = (m[10] as string).toLowerCase();
  const ts = isoFromParts(m[1] as string, m[2] as string, m[3] as string, m[4] as string, m[5] as string, m[6] as string);
  if (ts !== undefined) f[F.timestamp] = ts;
  return f;
}

export const centreonFormat: LineFormat = fieldsFormat(
  { name: 'centreon', dataset: 'centreon' },
  (line) => digitAt(line, 0) && line.charCodeAt(4) === 45 && line.charCodeAt(10) === 32 && line.charCodeAt(19) === 124,
  centreonFields,
);
