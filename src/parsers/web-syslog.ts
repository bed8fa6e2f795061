import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { parseApacheErrorBody, parseApacheErrorLine } from './apache-error.js';
import type { MessageParser } from './message-parser.js';
import { parseNginxErrorLine } from './nginx-error.js';
import { parseAccessLine } from './web-access.js';

/**
 * nginx and Apache logging to syslog (`access_log syslog:…`, `ErrorLog syslog`, `CustomLog "|logger -t httpd"`): the
 * message is an access log line or an error log line (Apache's without its time; nginx's sometimes after `nginx: `).
 */

const NGINX_PREFIX = /^(?:\S{1,255} )?nginx: /;

/** `httpd/backend1` (a per-vhost tag) counts as `httpd`. */
let lastName = '';
let lastBase = '';
function programBase(e: EcsEvent): string {
  const name = getPath(e, F.processName);
  if (typeof name !== 'string') return '';
  // both parsers ask for every message of a program: remember the last answer
  if (name === lastName) return lastBase;
  const cut = name.search(/[/([]/);
  lastBase = (cut > 0 ? name.slice(0, cut) : name).toLowerCase();
  lastName = name;
  return lastBase;
}

function parseWebMessage(message: string, e: EcsEvent): boolean {
  if (message.startsWith('[')) return parseApacheErrorLine(message, e) || parseApacheErrorBody(message, e);
  if (parseAccessLine(message, e)) return true;
  const n = NGINX_PREFIX.exec(message);
  return parseNginxErrorLine(n ? message.slice(n[0].length) : message, e);
}

const NGINX_PROGRAMS = ['nginx'] as const;
const APACHE_PROGRAMS = ['apache2', 'httpd', 'apache'] as const;

function make(name: string, dataset: string, programs: readonly string[]): MessageParser {
  return {
    name,
    dataset,
    programs,
    // also offered messages of `httpd/vhost`-style tags, which routing by the whole name does not reach
    any: true,
    parse(message, event) {
      if (!programs.includes(programBase(event))) return false;
      return parseWebMessage(message, event);
    },
  };
}

export const nginxSyslogParser: MessageParser = make('nginx', 'nginx', NGINX_PROGRAMS);
export const apacheSyslogParser: MessageParser = make('apache', 'apache', APACHE_PROGRAMS);
