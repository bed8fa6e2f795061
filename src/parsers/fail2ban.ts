import { setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat, MessageParser } from './message-parser.js';
import { applyFields, fieldsParser, setSource, type Fields } from './service-fields.js';

/** fail2ban's own log: what its jails found and the addresses they banned and unbanned. */
export const FAIL2BAN_DATASET = 'fail2ban';

const A = {
  logLogger: 'log.logger',
  eventReason: 'event.reason',
} as const;

// `fail2ban.actions        [11524]: NOTICE  [sshd] Ban 192.0.2.1` (the logger and level are optional: syslog and
// journal lines put the logger in the program name, the journal's short form drops the level too)
const BODY =
  /^(?:fail2ban\.([a-z]{1,32}) {0,32}(?:\[(\d{1,10})\])?: {1,8})?(?:(CRITICAL|ERROR|WARNING|NOTICE|INFO|DEBUG|HEAVYDEBUG) {1,8})?\[([^\]\s]{1,64})\] {1,8}(?:(Restore Ban|Ban|Unban|Found|Ignore) ([0-9A-Fa-f:.]{2,45})(?: - (.{1,64}))?|([0-9A-Fa-f:.]{2,45}) already banned)$/;

/** What each word of the log does, as ECS fields. */
function verdict(word: string): Fields {
  switch (word) {
    case 'Ban':
      return { [F.eventType]: ['denied'], [F.eventAction]: 'ban' };
    case 'Restore Ban':
      return { [F.eventType]: ['denied'], [F.eventAction]: 'ban_restored' };
    case 'Unban':
      return { [F.eventType]: ['allowed', 'end'], [F.eventAction]: 'unban' };
    case 'Found':
      // a failure fail2ban saw in another product's log: evidence, counted where that log is read
      return { [F.eventType]: ['info'], [F.eventAction]: 'failure_found' };
    case 'Ignore':
      return { [F.eventType]: ['info'], [F.eventAction]: 'ignored' };
    default:
      return { [F.eventType]: ['info'], [F.eventAction]: 'already_banned' };
  }
}

/**
 * Maps a fail2ban message (the text after the syslog header, or after the time of its own log file). A ban is a
 * denial of its address (event.type denied, the jail in rule.name); Found lines are evidence of a failure logged
 * elsewhere and stay informational. The recidive jail's own bans are bans like any other.
 */
export function fail2banFields(message: string): Fields | undefined {
  // fast rejection: every form starts with the logger name, the level or the jail in brackets
  const c = message.charCodeAt(0);
  if (c !== 102 /* f */ && c !== 91 /* [ */ && (c < 65 || c > 90)) return undefined;
  const m = BODY.exec(message);
  if (!m) return undefined;
  const f: Fields = { [F.eventKind]: 'event', [F.eventCategory]: ['network', 'intrusion_detection'], ...verdict(m[5] ?? '') };
  f[F.ruleName] = m[4];
  if (m[1] !== undefined) f[A.logLogger] = `fail2ban.${m[1]}`;
  if (m[3] !== undefined) f[F.logLevel] = m[3].toLowerCase();
  setSource(f, m[6] ?? m[8]);
  if (m[7] !== undefined) f[A.eventReason] = m[7];
  return f;
}

/** fail2ban through syslog or the journal: `fail2ban.actions: NOTICE [sshd] Ban …`, `fail2ban-server[1]: fail2ban.actions [1]: …`. */
export const fail2banParser: MessageParser = fieldsParser(
  { name: 'fail2ban', dataset: FAIL2BAN_DATASET, programs: ['fail2ban', 'fail2ban-server', 'fail2ban.actions', 'fail2ban.filter', 'fail2ban.observer'] },
  fail2banFields,
);

// `2006-02-13 15:52:30,388 fail2ban.actions        [123]: NOTICE  ` (local time, no zone: read as UTC like other
// zone-less times; the pid and the level are missing in older releases)
const FILE_LINE =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3}) fail2ban\.([a-z]{1,32}) {0,32}(?:\[(\d{1,10})\])?: {1,8}(?:(CRITICAL|ERROR|WARNING|NOTICE|INFO|DEBUG|HEAVYDEBUG) {1,8})?/;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * fail2ban's own log file (`/var/log/fail2ban.log`): `2006-02-13 15:52:30,388 fail2ban.actions [123]: NOTICE [sshd]
 * Ban 192.0.2.1`. Every line of it is recognised (time, logger, level); bans, unbans and found failures get their fields.
 */
export const fail2banFormat: LineFormat = {
  name: 'fail2ban-log',
  dataset: FAIL2BAN_DATASET,
  sniff(line) {
    return isDigit(line.charCodeAt(0)) && line.charCodeAt(4) === 45 && line.charCodeAt(19) === 44 && line.startsWith(' fail2ban.', 23);
  },
  parse(line: string, event: EcsEvent) {
    const t = FILE_LINE.exec(line);
    if (!t) return false;
    const ms = Date.UTC(Number(t[1]), Number(t[2]) - 1, Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6]), Number(t[7]));
    if (Number.isNaN(ms)) return false;
    const body = line.slice(24);
    const f = fail2banFields(body);
    if (f) applyFields(event, f);
    else {
      setPath(event, F.eventKind, 'event');
      setPath(event, A.logLogger, `fail2ban.${t[8] as string}`);
      if (t[10] !== undefined) setPath(event, F.logLevel, t[10].toLowerCase());
    }
    setPath(event, F.processName, 'fail2ban-server');
    if (t[9] !== undefined) setPath(event, F.processPid, Number(t[9]));
    event[F.timestamp] = new Date(ms).toISOString();
    event[F.message] = f ? body : line.slice(t[0].length);
    return true;
  },
};
