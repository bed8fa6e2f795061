import type { LineFormat, MessageParser } from './message-parser.js';
import { sshdParser } from './sshd.js';

/** Every message parser, in routing order. New parsers are added here (a static list: no scanning, no decorators). */
export const MESSAGE_PARSERS: readonly MessageParser[] = [sshdParser];

/** Every whole-line format, in sniffing order. */
export const LINE_FORMATS: readonly LineFormat[] = [];

const BY_PROGRAM = new Map<string, MessageParser>();
for (const p of MESSAGE_PARSERS) for (const prog of p.programs) if (!BY_PROGRAM.has(prog)) BY_PROGRAM.set(prog, p);
const ANY = MESSAGE_PARSERS.filter((p) => p.any === true);

/** `sshd(pam_unix)` → `sshd`, `CRON` → `cron`, `postfix/smtpd` stays as it is. */
export function programKey(appname: string): string {
  const paren = appname.indexOf('(');
  return (paren > 0 ? appname.slice(0, paren) : appname).toLowerCase();
}

export function parserForProgram(appname: string): MessageParser | undefined {
  return BY_PROGRAM.get(programKey(appname));
}

export function anyProgramParsers(): readonly MessageParser[] {
  return ANY;
}

/** Names accepted by --format: `syslog` (routing by program), each message parser and each line format. */
export function formatNames(): string[] {
  return ['syslog', ...MESSAGE_PARSERS.map((p) => p.name), ...LINE_FORMATS.map((f) => f.name)];
}

export function findFormat(name: string): { message?: MessageParser; line?: LineFormat } | undefined {
  if (name === 'syslog' || name === 'line') return {};
  const message = MESSAGE_PARSERS.find((p) => p.name === name);
  if (message) return { message };
  const line = LINE_FORMATS.find((f) => f.name === name);
  if (line) return { line };
  return undefined;
}
