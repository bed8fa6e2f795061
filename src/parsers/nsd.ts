import { isObject, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat, MessageParser } from './message-parser.js';
import { applyFields, denied, fieldsParser, SF, type Fields } from './service-fields.js';

// `info: ratelimit block example.com. type any target 192.0.2.0/24 query 192.0.2.105 TYPE255`
// `info: axfr for zone example.nl. from client 192.0.2.115 refused, no acl matches.` (newer: `axfr for example.com. from 192.0.2.32 refused`),
// `info: notify for example.com. from 192.0.2.1 refused, no acl matches`
const NSD =
  /^(?:info: )?(?:ratelimit block (\S{1,255}) type (\S{1,16}) target \S{1,64} query ([0-9A-Fa-f:.]{2,45})(?: |$)|(axfr|ixfr|notify) for (?:zone )?(\S{1,255}) from (?:client )?([0-9A-Fa-f:.]{2,45}) refused)/;

export function nsdFields(message: string): Fields | undefined {
  const m = NSD.exec(message);
  if (!m) return undefined;
  if (m[3] !== undefined) {
    const f = denied('dns_rate_limited', ['network'], m[3]);
    f[SF.dnsQuestionName] = m[1];
    f[SF.dnsQuestionType] = (m[2] as string).toUpperCase();
    return f;
  }
  const kind = m[4] as string;
  const f = denied(kind === 'notify' ? 'dns_notify_denied' : 'zone_transfer_denied', ['network'], m[6]);
  f[SF.dnsQuestionName] = m[5];
  if (kind !== 'notify') f[SF.dnsQuestionType] = kind.toUpperCase();
  // `, no acl matches.`, `, BLOCKED`, `, NOKEY` or a key name
  const rest = message.slice(m.index + m[0].length);
  if (rest.startsWith(', ')) f[SF.reason] = rest.slice(2, 258).replace(/\.$/, '');
  return f;
}

/** NSD: rate-limited queries, refused zone transfers and notifies. */
export const nsdParser = fieldsParser({ name: 'nsd', dataset: 'nsd', programs: ['nsd'] }, nsdFields);

/** Sets what the line says about nsd itself: its process, and the time when it is a usable epoch or date. */
function nsdLine(event: EcsEvent, pid: string, ms: number, body: string): void {
  setPath(event, F.processName, 'nsd');
  setPath(event, F.processPid, Number(pid));
  setPath(event, F.logSyslogAppname, 'nsd');
  if (Number.isFinite(ms) && Math.abs(ms) < 8.64e15) event[F.timestamp] = new Date(ms).toISOString();
  event[F.message] = body;
  const f = nsdFields(body);
  if (f) applyFields(event, f);
}

// nsd's own log file: `[2021-03-05 05:25:14.562] nsd[160800]: info: …` or, older, `[1387288694] nsd[7745]: info: …`
const NSD_LINE = /^\[(?:(\d{1,12})|(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)\] nsd\[(\d{1,10})\]: /;

/**
 * nsd's own log file. Every line is recognised as nsd's; refusals and rate limits get their fields. (The epoch form
 * is also read by the syslog header, as a bracketed program name: nsdEpochParser takes it from there.)
 */
export const nsdFormat: LineFormat = {
  name: 'nsd-log',
  dataset: 'nsd',
  sniff(line) {
    if (line.charCodeAt(0) !== 91) return false;
    const c = line.charCodeAt(1);
    return c >= 48 && c <= 57 && (line.startsWith('] nsd[', 11) || line.startsWith('] nsd[', 24));
  },
  parse(line, event) {
    const m = NSD_LINE.exec(line);
    if (!m) return false;
    const ms =
      m[1] !== undefined
        ? Number(m[1]) * 1000
        : Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]), m[8] !== undefined ? Math.floor(Number(`0.${m[8]}`) * 1000) : 0);
    nsdLine(event, m[9] as string, ms, line.slice(m[0].length));
    return true;
  },
};

const EPOCH_TAG = /^\d{9,12}$/;
const NSD_PID = /^nsd\[(\d{1,10})\]: /;

/**
 * `[1387288694] nsd[7745]: info: …` read by the syslog header as program `1387288694` and message `nsd[7745]: …`:
 * tried for every program without a parser of its own, it takes only messages that start with `nsd[` after an epoch.
 */
export const nsdEpochParser: MessageParser = {
  name: 'nsd-epoch',
  dataset: 'nsd',
  programs: [],
  any: true,
  parse(message, event) {
    if (message.charCodeAt(0) !== 110 || !message.startsWith('nsd[')) return false;
    const proc = event['process'];
    const epoch = isObject(proc) ? proc['name'] : undefined;
    if (typeof epoch !== 'string' || !EPOCH_TAG.test(epoch)) return false;
    const m = NSD_PID.exec(message);
    if (!m) return false;
    nsdLine(event, m[1] as string, Number(epoch) * 1000, message.slice(m[0].length));
    return true;
  },
};
