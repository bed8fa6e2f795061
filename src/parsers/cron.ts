import { F } from '../schema/fields.js';
import { A, apply, type Fields } from './auth-common.js';
import type { MessageParser } from './message-parser.js';

/*
 * cron (Debian cron, cronie): "(root) CMD (command)" and "(alice) RELOAD (crontabs/alice)"; its PAM session lines
 * ("pam_unix(cron:session): session opened …") are read by the PAM parser.
 */

const LINE = /^\((\S{1,256})\) ([A-Z][A-Z ]{0,31}[A-Z]) \((.*)\)$/;

export function cronFields(message: string): Fields | undefined {
  const m = LINE.exec(message);
  if (!m) return undefined;
  const [, user, verb, arg] = m as unknown as [string, string, string, string];
  if (verb === 'CMD') {
    return { [F.eventCategory]: ['process'], [F.eventType]: ['start'], [F.eventAction]: 'cron_command', [F.userName]: user, [A.processCommandLine]: arg };
  }
  return { [F.eventCategory]: ['configuration'], [F.eventType]: ['info'], [F.eventAction]: `cron_${verb.toLowerCase().replaceAll(' ', '_')}`, [F.userName]: user, [A.cronDetail]: arg };
}

/** cron daemons' job lines. */
export const cronParser: MessageParser = {
  name: 'cron',
  dataset: 'cron',
  programs: ['cron', 'crond'],
  parse(message, event) {
    const f = cronFields(message);
    if (!f) return false;
    apply(event, f);
    return true;
  },
};
