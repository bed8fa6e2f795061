import { F } from '../schema/fields.js';
import { A, apply, type Fields } from './auth-common.js';
import type { MessageParser } from './message-parser.js';

/*
 * sudo's log line: "USER : [REASON ; ]TTY=T ; PWD=D ; USER=R ; [GROUP=G ; ][ENV=… ; ]COMMAND=C", e.g.
 *   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls
 *   bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/id
 *   eve : user NOT in sudoers ; TTY=pts/2 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh
 * The command is last and may hold " ; ", so the fields before it are read up to the first " ; COMMAND=".
 */

const HEAD = /^\s{0,64}(\S{1,256}) : /;
const KEYS = ['TTY', 'PWD', 'USER', 'GROUP', 'ENV', 'TSID'] as const;

export function sudoFields(message: string): Fields | undefined {
  const head = HEAD.exec(message);
  if (!head) return undefined;
  const body = message.slice(head[0].length);
  const cmdAt = body.indexOf(' ; COMMAND=');
  let command: string | undefined;
  let fieldsText = body;
  if (cmdAt !== -1) {
    command = body.slice(cmdAt + 11);
    fieldsText = body.slice(0, cmdAt);
  } else if (body.startsWith('COMMAND=')) return undefined;
  const parts = fieldsText.split(' ; ');
  const kv: Record<string, string> = {};
  const notes: string[] = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : '';
    if ((KEYS as readonly string[]).includes(key)) kv[key] = part.slice(eq + 1);
    else notes.push(part);
  }
  if (kv['TTY'] === undefined && kv['USER'] === undefined) return undefined;
  const reason = notes.join(' ; ');
  const f: Fields = {
    [F.eventCategory]: ['process'],
    [F.eventType]: ['start'],
    [F.eventAction]: 'sudo',
    [F.userName]: head[1],
  };
  if (reason === '') f[F.eventOutcome] = 'success';
  else {
    f[F.eventOutcome] = 'failure';
    f[F.eventCategory] = ['process', 'authentication'];
    f[F.eventType] = ['start', 'denied'];
    f[F.errorMessage] = reason;
    const attempts = /^(\d{1,6}) incorrect password attempts?$/.exec(reason);
    if (attempts) f[A.repeatCount] = Number(attempts[1]);
  }
  if (kv['USER'] !== undefined) f[A.userEffectiveName] = kv['USER'];
  if (kv['GROUP'] !== undefined) f[A.groupName] = kv['GROUP'];
  if (kv['TTY'] !== undefined && kv['TTY'] !== 'unknown') f[A.processTtyName] = kv['TTY'];
  if (kv['PWD'] !== undefined) f[A.processWorkingDirectory] = kv['PWD'];
  if (command !== undefined) {
    f[A.processCommandLine] = command;
    const sp = command.indexOf(' ');
    f[A.processExecutable] = sp === -1 ? command : command.slice(0, sp);
  }
  return f;
}

/** sudo's own log lines (its PAM lines go to the PAM parser). */
export const sudoParser: MessageParser = {
  name: 'sudo',
  dataset: 'sudo',
  programs: ['sudo'],
  parse(message, event) {
    const f = sudoFields(message);
    if (!f) return false;
    apply(event, f);
    return true;
  },
};
