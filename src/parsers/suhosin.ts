import { F } from '../schema/fields.js';
import { fieldsParser, setSource, SF, type Fields } from './service-fields.js';

/**
 * Suhosin (PHP hardening) alerts: `ALERT - <what it blocked> (attacker '192.0.2.1', file '/var/www/x.php'[, line
 * 161])`, logged under `suhosin` or inside another program's message (lighttpd's `FastCGI-stderr: ALERT - …`,
 * PHP-FPM), so the parser is also offered the messages of other programs. It rejects them on their last character
 * unless they end like an alert.
 */

const ALERT = 'ALERT - ';
const ATTACKER = " (attacker '";
const TAIL = /^ \(attacker '([0-9A-Fa-f:.]{2,45})', file '([^']{0,4096})'(?:, line (\d{1,9}))?\)$/;

/** Ends in `')` or `', line 161)`: checked from the end in a few steps, so other messages are rejected cheaply. */
function endsLikeAlert(m: string): boolean {
  let i = m.length - 1;
  if (m.charCodeAt(i) !== 41) return false;
  i--;
  if (m.charCodeAt(i) === 39) return true;
  const last = i;
  while (i > 0 && last - i < 10 && m.charCodeAt(i) >= 48 && m.charCodeAt(i) <= 57) i--;
  return i < last && m.startsWith("', line ", i - 7);
}

export function suhosinFields(message: string): Fields | undefined {
  if (!endsLikeAlert(message)) return undefined;
  const start = message.indexOf(ALERT);
  if (start < 0 || start > 512) return undefined;
  const at = message.lastIndexOf(ATTACKER);
  if (at < start) return undefined;
  const t = TAIL.exec(message.slice(at));
  if (!t) return undefined;
  const what = message.slice(start + ALERT.length, at);
  const dropped = what.includes(' - dropped variable ');
  const f: Fields = {
    [F.eventKind]: 'event',
    [F.eventCategory]: ['intrusion_detection', 'web'],
    // suhosin stops the request or the script: the attempt was denied
    [F.eventType]: dropped ? ['indicator', 'denied'] : ['indicator'],
    [F.eventOutcome]: 'failure',
    [F.eventAction]: 'suhosin_alert',
    [SF.reason]: what,
    [F.filePath]: t[2],
  };
  setSource(f, t[1]);
  if (t[3] !== undefined) f['log.origin.file.line'] = Number(t[3]);
  const variable = /dropped variable '([^']{0,1024})'$/.exec(what.slice(-1100));
  if (variable) f['suhosin.variable'] = variable[1];
  return f;
}

export const suhosinParser = fieldsParser({ name: 'suhosin', dataset: 'suhosin', programs: ['suhosin'], any: true }, suhosinFields);
