import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { authFailure, authSuccess, type Fields } from './service-fields.js';
import { ADDR, digitAt, fieldsFormat, isoFromParts } from './webapp-common.js';

/** Group-Office's login log: `[2014-01-06 10:59:38]LOGIN FAILED for user: "x" from IP: 192.0.2.1` (and `LOGIN SUCCESS`). */

const LINE = new RegExp(`^\\[(\\d{4})-(\\d{2})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})\\]LOGIN (FAILED|SUCCESS) for user: "([^"]{0,255})" from IP: (${ADDR})$`);

export function groupOfficeFields(line: string): Fields | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const user = m[8] === '' ? undefined : m[8];
  const f = m[7] === 'FAILED' ? authFailure('groupoffice_login', m[9], user) : authSuccess('groupoffice_login', m[9], user);
  const ts = isoFromParts(m[1] as string, m[2] as string, m[3] as string, m[4] as string, m[5] as string, m[6] as string);
  if (ts !== undefined) f[F.timestamp] = ts;
  return f;
}

export const groupOfficeFormat: LineFormat = fieldsFormat(
  { name: 'groupoffice', dataset: 'groupoffice' },
  (line) => line.charCodeAt(0) === 91 && digitAt(line, 1) && line.charCodeAt(20) === 93 && line.startsWith('LOGIN ', 21),
  groupOfficeFields,
);
