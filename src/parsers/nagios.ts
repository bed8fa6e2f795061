import { denied, fieldsParser, type Fields } from './service-fields.js';
import { ADDR } from './webapp-common.js';

/** Nagios NRPE refusing a peer that is not in `allowed_hosts`: `Host 192.0.2.1 is not allowed to talk to us!`. */

const REFUSED = new RegExp(`^Host (${ADDR}) is not allowed to talk to us!$`);

export function nrpeFields(message: string): Fields | undefined {
  if (!message.startsWith('Host ')) return undefined;
  const m = REFUSED.exec(message);
  return m ? denied('host_not_allowed', ['network'], m[1]) : undefined;
}

export const nrpeParser = fieldsParser({ name: 'nrpe', dataset: 'nagios.nrpe', programs: ['nrpe'] }, nrpeFields);
