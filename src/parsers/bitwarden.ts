import { getPath, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { MessageParser } from './message-parser.js';
import { applyFields, authFailure, SF, type Fields } from './service-fields.js';
import { ADDR, offsetMinutes } from './webapp-common.js';

/**
 * Bitwarden (self-hosted server, .NET/Serilog) failed logins: `Failed login attempt. 192.0.2.1` and `Failed login
 * attempt, 2FA invalid. 192.0.2.1`, after the logger (`[Bit.Core.IdentityServer.ResourceOwnerPasswordValidator]`)
 * under syslog, or in the log file after `2019-11-26 01:04:49.008 +08:00 [WRN] `.
 *
 * In that file layout the syslog header reader takes the time without its zone and the zone's hours (`+08`) as the
 * program, leaving `00 [WRN] …` as the message. For that shape only (a program `+HH`/`-HH`), the parser puts the
 * zone back: it corrects @timestamp and drops the program name, which is not one.
 */

const FAILED = new RegExp(`^Failed login attempt(, 2FA invalid)?\\. (${ADDR})$`);
const LOGGER = /^\[[\w.]{1,255}\] /;
const ZONE_REST = /^(\d{2}) \[([A-Za-z]{3,11})\] /;
const ZONE_PROGRAM = /^[+-]\d{2}$/;
/** Serilog's short and long level names. */
const LEVELS: Record<string, string> = { vrb: 'trace', verbose: 'trace', dbg: 'debug', debug: 'debug', inf: 'info', information: 'info', wrn: 'warning', warning: 'warning', err: 'error', error: 'error', ftl: 'critical', fatal: 'critical' };

function failureFields(text: string): Fields | undefined {
  if (!text.startsWith('Failed login attempt')) return undefined;
  const m = FAILED.exec(text);
  if (!m) return undefined;
  const f = authFailure(m[1] !== undefined ? 'two_factor_invalid' : 'login_failed', m[2]);
  f[SF.reason] = m[1] !== undefined ? '2FA invalid' : 'wrong credentials';
  return f;
}

/** Moves @timestamp from the zone-less reading to UTC. */
function correctTime(e: EcsEvent, zone: string): void {
  const ts = e[F.timestamp];
  if (typeof ts !== 'string') return;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return;
  e[F.timestamp] = new Date(ms - offsetMinutes(zone) * 60000).toISOString();
}

/** Deletes `parent[obj][key]`, and `parent[obj]` when nothing else is left in it. */
function dropKey(parent: EcsEvent, obj: string, key: string): void {
  const o = parent[obj];
  if (typeof o !== 'object' || o === null) return;
  const rec = o as Record<string, unknown>;
  delete rec[key];
  if (Object.keys(rec).length === 0) delete parent[obj];
}

export const bitwardenParser: MessageParser = {
  name: 'bitwarden',
  dataset: 'bitwarden',
  programs: ['bitwarden-identity', 'bitwarden-api', 'bitwarden'],
  // for the file layout's `+HH` program
  any: true,
  parse(message, event) {
    const c = message.charCodeAt(0);
    if (c === 91) {
      // the server's loggers are all `Bit.…`
      if (!message.startsWith('[Bit.')) return false;
      const l = LOGGER.exec(message);
      if (!l) return false;
      const f = failureFields(message.slice(l[0].length));
      if (!f) return false;
      applyFields(event, f);
      setPath(event, 'log.logger', l[0].slice(1, -2));
      return true;
    }
    if (c < 48 || c > 57 || message.charCodeAt(2) !== 32) return false;
    const prog = getPath(event, F.processName);
    if (typeof prog !== 'string' || !ZONE_PROGRAM.test(prog)) return false;
    const z = ZONE_REST.exec(message);
    if (!z) return false;
    const f = failureFields(message.slice(z[0].length));
    if (!f) return false;
    applyFields(event, f);
    correctTime(event, `${prog}:${z[1] as string}`);
    const level = (z[2] as string).toLowerCase();
    setPath(event, F.logLevel, LEVELS[level] ?? level);
    dropKey(event, 'process', 'name');
    const log = event['log'];
    if (typeof log === 'object' && log !== null) dropKey(log as EcsEvent, 'syslog', 'appname');
    return true;
  },
};
