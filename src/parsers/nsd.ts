import { denied, fieldsParser, SF, type Fields } from './service-fields.js';

// `info: ratelimit block example.com. type any target 192.0.2.0/24 query 192.0.2.105 TYPE255`
// `info: axfr for zone example.nl. from client 192.0.2.115 refused, no acl matches.` (newer: `axfr for example.com. from 192.0.2.32 refused`)
const NSD =
  /^(?:info: )?(?:ratelimit block (\S{1,255}) type (\S{1,16}) target \S{1,64} query ([0-9A-Fa-f:.]{2,45})(?: |$)|(axfr|ixfr) for (?:zone )?(\S{1,255}) from (?:client )?([0-9A-Fa-f:.]{2,45}) refused)/;

export function nsdFields(message: string): Fields | undefined {
  const m = NSD.exec(message);
  if (!m) return undefined;
  if (m[3] !== undefined) {
    const f = denied('dns_rate_limited', ['network'], m[3]);
    f[SF.dnsQuestionName] = m[1];
    f[SF.dnsQuestionType] = (m[2] as string).toUpperCase();
    return f;
  }
  const f = denied('zone_transfer_denied', ['network'], m[6]);
  f[SF.dnsQuestionName] = m[5];
  f[SF.dnsQuestionType] = (m[4] as string).toUpperCase();
  return f;
}

/** NSD: rate-limited queries and refused zone transfers. */
export const nsdParser = fieldsParser({ name: 'nsd', dataset: 'nsd', programs: ['nsd'] }, nsdFields);
