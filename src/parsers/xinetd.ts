import { denied, fieldsParser, type Fields } from './service-fields.js';

// `FAIL: telnet address from=192.0.2.169`, `FAIL: amanda libwrap from=192.0.2.223`
const FAIL = /^FAIL: (\S{1,64}) (\S{1,64}) from=([0-9A-Fa-f:.]{2,45})$/;

export function xinetdFields(message: string): Fields | undefined {
  const m = FAIL.exec(message);
  if (!m) return undefined;
  const f = denied('connection_refused', ['network'], m[3]);
  f['service.name'] = m[1];
  f['event.reason'] = m[2];
  return f;
}

/** xinetd: connections refused by address, libwrap or per-source limits. */
export const xinetdParser = fieldsParser({ name: 'xinetd', dataset: 'xinetd', programs: ['xinetd'] }, xinetdFields);
