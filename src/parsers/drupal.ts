import { F } from '../schema/fields.js';
import { authFailure, authSuccess, fieldsParser, SF, type Fields } from './service-fields.js';
import { address } from './webapp-common.js';

/**
 * Drupal's syslog module: `base_url|timestamp|type|ip|request_uri|referer|uid|link|message`. The program name is
 * the site's identity (`drupal` by default, often the site name), so the parser is offered every program's
 * messages and rejects those that do not start with `http`.
 *
 * The first four fields are written by the server; the request URI and the referrer come from the client and may
 * hold `|` (an attacker can forge a whole `|0||Login attempt failed for x` inside them). So the address is read from
 * the front and the message from the back: the last field, after the uid and link fields.
 */

const HEAD = /^(https?:\/\/[^|\s]{1,512})\|(\d{1,12})\|([^|]{1,64})\|([^|]{1,64})\|/;
const FAILED = /^Login attempt failed (?:for|from) (.{1,255})\.$/;
const OPENED = /^Session opened for (.{1,255})\.$/;
const CLOSED = /^Session closed for (.{1,255})\.$/;

export function drupalFields(message: string): Fields | undefined {
  if (message.charCodeAt(0) !== 104 || !message.startsWith('http')) return undefined;
  const h = HEAD.exec(message);
  if (!h) return undefined;
  const host = address(h[4]);
  const rest = message.slice(h[0].length);
  // uid | link | message, from the end
  const m = rest.lastIndexOf('|');
  const l = m > 0 ? rest.lastIndexOf('|', m - 1) : -1;
  const u = l > 0 ? rest.lastIndexOf('|', l - 1) : -1;
  if (u < 0) return undefined;
  const uid = rest.slice(u + 1, l);
  if (!/^\d{1,12}$/.test(uid)) return undefined;
  const text = rest.slice(m + 1);
  const type = h[3] as string;
  let f: Fields;
  const failed = type === 'user' ? FAILED.exec(text) : null;
  const opened = type === 'user' && !failed ? OPENED.exec(text) : null;
  const closed = type === 'user' && !failed && !opened ? CLOSED.exec(text) : null;
  if (failed) f = authFailure('login_failed', host ?? h[4], failed[1]);
  else if (opened) f = authSuccess('login', host ?? h[4], opened[1]);
  else if (closed) {
    f = { [F.eventCategory]: ['authentication', 'session'], [F.eventType]: ['end'], [F.eventAction]: 'logout', [F.userName]: closed[1] };
    if (host !== undefined) f[F.sourceIp] = host;
  } else {
    f = { [F.eventAction]: type, [SF.reason]: text };
    if (host !== undefined) f[F.sourceIp] = host;
  }
  f['drupal.type'] = type;
  f['user.id'] = uid;
  f['drupal.base_url'] = h[1];
  // the request URI and referrer cannot be separated reliably when they hold `|`
  const middle = rest.slice(0, u);
  const bar = middle.indexOf('|');
  if (bar >= 0 && middle.indexOf('|', bar + 1) < 0) {
    if (bar > 0) f[SF.urlOriginal] = middle.slice(0, bar);
    if (bar < middle.length - 1) f[F.httpRequestReferrer] = middle.slice(bar + 1);
  }
  return f;
}

export const drupalParser = fieldsParser({ name: 'drupal', dataset: 'drupal', programs: ['drupal'], any: true }, drupalFields);
