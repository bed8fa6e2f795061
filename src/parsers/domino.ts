import { isIP } from 'node:net';
import { daemonLineFormat, digitsAt, utcTime, type DaemonLine } from './daemon-line.js';
import { authFailure, cleanHost, denied, fieldsParser, type Fields } from './service-fields.js';

const SMTP_FAIL = ' authentication failure using internet password';
// `SMTP Server: Authentication failed for user postmaster ; connecting host 192.0.2.1`,
// `SMTP Server [0D14:0027-1334] Authentication failed for user Bad Hacker ; connecting host [192.0.2.1]`
const SERVER = /^SMTP Server(?: \[[0-9A-Fa-f:-]{1,64}\])?:? (?:Authentication failed for user (.*) ; connecting host (\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+)$|Connection from \[([0-9A-Fa-f:.]+)\] rejected for policy reasons)/;

// `22-06-2014 09:56:12   ` (the console log's own time: day, month, year)
const CONSOLE_TIME = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) {1,3}/;

export function dominoFields(raw: string): Fields | undefined {
  let message = raw.trimStart();
  // after a `[pid:thread]` prefix taken for a program name, the console time is still in the message
  if (message.charCodeAt(2) === 45) {
    const t = CONSOLE_TIME.exec(message);
    if (t) message = message.slice(t[0].length).trimStart();
  }
  if (message.startsWith('smtp: ') && message.endsWith(SMTP_FAIL)) {
    // `smtp: USER [192.0.2.1] authentication failure using internet password`; USER may hold spaces, and some
    // versions log the address without brackets, so the address is the last word before the fixed text.
    const middle = message.slice(6, message.length - SMTP_FAIL.length);
    const space = middle.lastIndexOf(' ');
    const host = cleanHost(middle.slice(space + 1));
    if (isIP(host) === 0) return undefined;
    const user = space > 0 ? middle.slice(0, space) : undefined;
    return authFailure('smtp_auth_failed', host, user);
  }
  const s = SERVER.exec(message);
  if (s?.[2] !== undefined) return authFailure('smtp_auth_failed', s[2], s[1]);
  if (s?.[3] !== undefined) return denied('smtp_policy_reject', ['email', 'network'], s[3]);
  return undefined;
}

/** HCL/IBM Domino SMTP server authentication failures (its console log has no syslog program name). */
export const dominoParser = fieldsParser({ name: 'domino-smtp', dataset: 'domino', programs: ['domino'], any: true }, (message) =>
  message.includes('smtp: ') || message.includes('SMTP Server') ? dominoFields(message) : undefined,
);

export function readDominoConsole(line: string): DaemonLine | undefined {
  const t = CONSOLE_TIME.exec(line);
  if (!t) return undefined;
  const ts = utcTime(Number(t[3]), Number(t[2]) - 1, Number(t[1]), Number(t[4]), Number(t[5]), Number(t[6]));
  if (ts === undefined) return undefined;
  const message = line.slice(t[0].length);
  return { ts, fields: dominoFields(message) ?? {}, message };
}

/** `DD-MM-YYYY hh:mm:ss   `: the console time and the three spaces Domino writes after it. */
export function sniffDominoConsole(line: string): boolean {
  return (
    line.charCodeAt(2) === 45 && line.charCodeAt(5) === 45 && line.charCodeAt(13) === 58 && line.charCodeAt(19) === 32 && line.charCodeAt(20) === 32 && line.charCodeAt(21) === 32 && digitsAt(line, [0, 1, 3, 4, 6, 7, 8, 9, 11, 12])
  );
}

/** Domino's console log (console.log / log.nsf text export), without a syslog header. */
export const dominoConsoleFormat = daemonLineFormat({ name: 'domino-console', dataset: 'domino' }, sniffDominoConsole, readDominoConsole);
