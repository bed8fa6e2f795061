import { F } from '../schema/fields.js';
import { daemonLineFormat, fractionMs, utcTime, type DaemonLine } from './daemon-line.js';
import { authFailure, fieldsParser, setSource, type Fields } from './service-fields.js';

/**
 * ejabberd (XMPP server) authentication failures. Three layouts:
 * - lager (ejabberd ≥ 13): `2014-01-07 18:09:08.512 [info] <0.22741.1>@ejabberd_c2s:wait_for_feature_request:662 (…)
 *   Failed authentication for test@example.com from IP 192.0.2.1`; the syslog header reader takes `[info]` for the
 *   program, so this parser is also tried for every program, after a two-character test;
 * - old error_logger: `=INFO REPORT==== 2013-07-14 17:53:40 ===` then `I(<0.1440.0>:ejabberd_c2s:813) : (…) Failed
 *   authentication for user@example.com from IP 192.0.2.4 ({{192,0,2,4},12716})` (a line format);
 * - 17.06 and later: `Failed c2s PLAIN authentication for test@example.ch from ::FFFF:192.0.2.3: Invalid username or password`.
 */

// the text is found with an unanchored search: each start position fails at its first letters, so it stays linear
const FAILED = /Failed (?:c2s )?(?:([A-Z][A-Z0-9-]{0,31}) )?authentication for (\S{1,320}) from (?:IP )?([0-9A-Fa-f:.]{1,44}[0-9A-Fa-f])(?:: (.{1,256})|[ ]|$)/;
const ACCEPTED = /Accepted connection \{\{(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})\},(\d{1,5})\}/;

export function ejabberdText(text: string): Fields | undefined {
  const m = FAILED.exec(text);
  if (m) {
    const jid = m[2] as string;
    const f = authFailure('c2s_auth_failed', m[3]);
    f[F.userName] = jid;
    const at = jid.lastIndexOf('@');
    if (at > 0 && at < jid.length - 1) f['user.domain'] = jid.slice(at + 1);
    if (m[1] !== undefined) f['user.authentication.method'] = m[1];
    if (m[4] !== undefined) f['event.reason'] = m[4];
    return f;
  }
  const a = ACCEPTED.exec(text);
  if (a) {
    const f: Fields = { [F.eventCategory]: ['network'], [F.eventType]: ['connection', 'start'], [F.eventAction]: 'connection_accepted' };
    setSource(f, `${a[1] as string}.${a[2] as string}.${a[3] as string}.${a[4] as string}`, a[5]);
    return f;
  }
  return undefined;
}

/** A lager message (`<0.22741.1>@ejabberd_c2s:…`) or a message of the ejabberd program. */
export function ejabberdFields(message: string): Fields | undefined {
  if (message.charCodeAt(0) === 60) {
    let close = 1;
    while (close < 40 && message.charCodeAt(close) !== 62) close++;
    if (!message.startsWith('>@ejabberd_', close)) return undefined;
  }
  return ejabberdText(message);
}

/** ejabberd through syslog (program `ejabberd`). */
export const ejabberdParser = fieldsParser({ name: 'ejabberd', dataset: 'ejabberd', programs: ['ejabberd', 'ejabberdctl'] }, ejabberdFields);

/** Lager lines whose level the syslog header reader took for the program name: tried for every program, two characters decide. */
export const ejabberdLagerParser = fieldsParser({ name: 'ejabberd-lager', dataset: 'ejabberd', programs: [], any: true }, (m) =>
  m.charCodeAt(0) === 60 && m.charCodeAt(1) === 48 ? ejabberdFields(m) : undefined,
);

const REPORT = /^=([A-Z]{1,16}) REPORT==== (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? ===$/;
// `I(<0.1440.0>:ejabberd_c2s:813) : text`
const OLD_LINE = /^([A-Z])\(<[\d.]{5,40}>:(\w{1,64}):\d{1,7}\) : /;
const LEVELS: Record<string, string> = { D: 'debug', I: 'info', W: 'warning', E: 'error', C: 'critical' };

export function readEjabberdLog(line: string): DaemonLine | undefined {
  const r = REPORT.exec(line);
  if (r) {
    const ts = utcTime(Number(r[2]), Number(r[3]) - 1, Number(r[4]), Number(r[5]), Number(r[6]), Number(r[7]), fractionMs(r[8]));
    return ts !== undefined ? { ts, fields: { [F.logLevel]: (r[1] as string).toLowerCase() } } : { fields: {} };
  }
  const o = OLD_LINE.exec(line);
  if (!o) return undefined;
  const message = line.slice(o[0].length);
  const fields = ejabberdText(message) ?? {};
  fields[F.logLevel] = LEVELS[o[1] as string] ?? o[1];
  fields['log.logger'] = o[2];
  return { fields, message };
}

/** `=INFO REPORT====` or `I(<0.` */
export function sniffEjabberdLog(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c === 61) return line.charCodeAt(1) >= 65 && line.charCodeAt(1) <= 90 && line.length < 64 && line.includes(' REPORT==== ', 2);
  return c >= 65 && c <= 90 && line.charCodeAt(1) === 40 && line.charCodeAt(2) === 60;
}

/** ejabberd's old error_logger file (ejabberd.log before lager): its lines carry no time of their own. */
export const ejabberdLogFormat = daemonLineFormat({ name: 'ejabberd-log', dataset: 'ejabberd' }, sniffEjabberdLog, readEjabberdLog);
