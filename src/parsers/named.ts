import { isObject } from '../schema/event.js';
import type { MessageParser } from './message-parser.js';
import { applyFields, denied, fieldsParser, SF, type Fields } from './service-fields.js';

// `client @0x7f… 192.0.2.1#53 (example.com): view external: query (cache) 'example.com/A/IN' denied`,
// `client 192.0.2.1#4795: zone transfer 'example.com/AXFR/IN' denied`,
// `client 192.0.2.1#42592 (example.com): bad zone transfer request: 'example.com/IN': non-authoritative zone (NOTAUTH)`
const CLIENT =
  /^(?:[a-z][a-z0-9-]{0,31}: )?(?:(?:info|notice|warning|error|critical|debug(?: \d+)?): )?client (?:@0x[0-9a-fA-F]{1,16} )?([0-9A-Fa-f:.]{2,45})#(\d{1,5})(?: \(([^\s()]*)\))?: (?:view ([^\s:]{1,64}): )?(?:(query(?: \(cache\))?|zone transfer|update|notify) '([^'\s]*)' denied|(bad zone transfer request): '([^'\s]*)')/;

export function namedFields(message: string): Fields | undefined {
  const m = CLIENT.exec(message);
  if (!m) return undefined;
  const what = m[5] ?? 'bad zone transfer request';
  const action = what.startsWith('query') ? 'dns_query_denied' : what === 'update' ? 'dns_update_denied' : what === 'notify' ? 'dns_notify_denied' : 'zone_transfer_denied';
  const f: Fields = denied(action, ['network'], m[1], m[2]);
  const q = (m[6] ?? m[8]) as string;
  const parts = q.split('/');
  f[SF.dnsQuestionName] = parts[0] === '' ? '.' : parts[0];
  if (parts.length === 3) {
    f[SF.dnsQuestionType] = parts[1];
    f[SF.dnsQuestionClass] = parts[2];
  } else if (parts.length === 2) f[SF.dnsQuestionClass] = parts[1];
  if (m[4] !== undefined) f['dns.view'] = m[4];
  if (m[7] !== undefined) f[SF.reason] = message.slice(m.index + m[0].length).replace(/^: /, '');
  return f;
}

/** BIND named: refused queries, zone transfers, updates and notifies. */
export const namedParser = fieldsParser({ name: 'named', dataset: 'named', programs: ['named', 'bind', 'bind9', 'named-pkcs11'] }, namedFields);

/**
 * BIND categories that log refusals. With `print-category yes` and no program name (BIND's own log file read through
 * a relay, or the journal's short form) the header reads the category as the program: `security: info: client …`.
 */
const CATEGORIES: readonly string[] = ['security', 'update-security', 'xfer-out', 'query-errors'];
const CATEGORY_SET: ReadonlySet<string> = new Set(CATEGORIES);

/** Does `client ` follow at most two `word: ` prefixes (category, severity)? A bounded scan, before any regex. */
function clientFirst(m: string): boolean {
  let p = 0;
  for (let k = 0; k < 3; k++) {
    if (m.startsWith('client ', p)) return true;
    const end = Math.min(m.length - 1, p + 33);
    let i = p;
    while (i < end && m.charCodeAt(i) !== 58) i++;
    if (i >= end || m.charCodeAt(i + 1) !== 32) return false;
    p = i + 2;
  }
  return false;
}

/**
 * BIND lines without a `named` program name: routed by category, and tried for lines that carry neither program nor
 * host (BIND's own log file, `23-Aug-2013 10:32:56.621 client 192.0.2.1#40278: …`). Lines of other programs are left
 * alone.
 */
export const namedLogParser: MessageParser = {
  name: 'named-log',
  dataset: 'named',
  programs: CATEGORIES,
  any: true,
  parse(message, event) {
    const proc = event['process'];
    if (proc !== undefined) {
      const name = isObject(proc) ? proc['name'] : undefined;
      // BIND prints categories in lower case
      if (typeof name !== 'string' || !CATEGORY_SET.has(name)) return false;
    } else if (event['host'] !== undefined) return false; // BIND's own file names no host either
    if (!clientFirst(message)) return false;
    let f: Fields | undefined;
    try {
      f = namedFields(message);
    } catch {
      return false;
    }
    if (!f) return false;
    applyFields(event, f);
    return true;
  },
};
