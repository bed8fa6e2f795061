import { F } from '../schema/fields.js';
import { A, apply, type Fields } from './auth-common.js';
import type { MessageParser } from './message-parser.js';
import { pamFields, pamMessage } from './pam.js';

/*
 * su (util-linux, shadow-utils and BSD forms):
 *   FAILED SU (to root) alice on pts/0          Successful su for root by alice
 *   + pts/0 alice:root                          - pts/0 alice:root           (shadow-utils sulog lines)
 *   'su root' failed for lonvick on /dev/pts/8   (to root) alice on pts/0                    pam_unix(su:auth): authentication failure; … ruser=alice … user=root
 * user.name is the account that ran su, user.effective.name the account it switched to.
 */

const FAILED = /^FAILED SU \(to ([^)\s]{1,64})\) (\S{1,64}) on (\S{1,64})/;
const SUCCESS = /^Successful su for (\S{1,64}) by (\S{1,64})$/;
const TO = /^\(to ([^)\s]{1,64})\) (\S{1,64}) on (\S{1,64})$/;
const RFC3164_EXAMPLE = /^'su (\S{1,64})' failed for (\S{1,64}) on (\S{1,64})$/;
const SULOG = /^([+-]) (\S{1,64}) (\S{1,64}):(\S{1,64})$/;

function su(outcome: 'success' | 'failure', actor: string, target: string, tty?: string): Fields {
  const f: Fields = {
    [F.eventCategory]: ['authentication'],
    [F.eventType]: outcome === 'success' ? ['start'] : ['info'],
    [F.eventAction]: 'su',
    [F.eventOutcome]: outcome,
    [F.userName]: actor,
    [A.userEffectiveName]: target,
  };
  if (tty !== undefined && tty !== '???') f[A.processTtyName] = tty;
  return f;
}

export function suFields(message: string): Fields | undefined {
  const failed = FAILED.exec(message);
  if (failed) return su('failure', failed[2] as string, failed[1] as string, failed[3]);
  const ok = SUCCESS.exec(message);
  if (ok) return su('success', ok[2] as string, ok[1] as string);
  const to = TO.exec(message);
  if (to) return su('success', to[2] as string, to[1] as string, to[3]);
  const quoted = RFC3164_EXAMPLE.exec(message);
  if (quoted) return su('failure', quoted[2] as string, quoted[1] as string, (quoted[3] as string).replace(/^\/dev\//, ''));
  const log = SULOG.exec(message);
  if (log) return su(log[1] === '+' ? 'success' : 'failure', log[3] as string, log[4] as string, log[2]);
  const p = pamMessage(message);
  if (p.service === 'su' || p.service === 'su-l') {
    const f = pamFields(message);
    if (!f) return undefined;
    if (f[F.eventAction] === 'authentication_failure') {
      // PAM's user= is the target account; ruser (or logname) is who ran su
      const target = f[F.userName];
      const actor = f[A.pamRuser] ?? f[A.pamLogname];
      if (typeof actor === 'string') f[F.userName] = actor;
      else delete f[F.userName];
      if (typeof target === 'string' && target !== actor) f[A.userEffectiveName] = target;
      f[F.eventAction] = 'su';
    }
    return f;
  }
  return undefined;
}

/** su and its PAM messages. */
export const suParser: MessageParser = {
  name: 'su',
  dataset: 'su',
  programs: ['su'],
  parse(message, event) {
    const f = suFields(message);
    if (!f) return false;
    apply(event, f);
    return true;
  },
};
