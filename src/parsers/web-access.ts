import { isIP } from 'node:net';
import { addTag, getPath, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';

/**
 * Apache/nginx access logs: common (`host ident user [time] "request" status bytes`) and combined (plus
 * `"referrer" "user agent"`), optionally prefixed by a virtual host (`%v %h …`) or with a virtual host after the time.
 */

/**
 * Small, data-driven web attack indicators. Matching is by lower-case substring (user agents) or by path segment
 * prefix (probe paths), never by user-supplied regexes.
 */
export const WEB_INDICATORS = {
  /** user agents of spam, harvesting and scanning tools */
  badBotAgents: [
    'trackback/',
    'emailcollector',
    'emailsiphon',
    'emailwolf',
    'extractorpro',
    'webbandit',
    'microsoft url control',
    'indy library',
    'sqlmap',
    'nikto',
    'masscan',
    'zgrab',
    'nmap scripting engine',
  ],
  /** first letters of path segments that scanners request on sites that do not serve them */
  probeSegments: [
    'wp-login.php',
    'xmlrpc.php',
    'phpmyadmin',
    'pma',
    'myadmin',
    'webmail',
    'v-webmail',
    'vwebmail',
    'extmail',
    'roundcube',
    'mail',
    'cgi-bin',
    '.env',
    '.git',
    'boaform',
  ],
  /** query values that are URLs of another scheme: remote file inclusion attempts (`?page=http://…`) */
  inclusionSchemes: ['http://', 'https://', 'ftp://', 'php://', 'data:'],
} as const;

export const TAG_BAD_BOT = 'bad_bot';
export const TAG_WEB_SCAN = 'web_scan';
export const TAG_FILE_INCLUSION = 'remote_file_inclusion';

/** True when one segment of `path` starts with a probe name (`/var/www/phpmyadmin`, `/pma/`, `/mail_x`). */
export function isProbePath(path: string): boolean {
  const lower = path.slice(0, 2048).toLowerCase();
  for (const seg of lower.split('/')) {
    if (seg === '') continue;
    for (const p of WEB_INDICATORS.probeSegments) if (seg.startsWith(p)) return true;
  }
  return false;
}

export function isBadBotAgent(agent: string): boolean {
  const lower = agent.slice(0, 2048).toLowerCase();
  return WEB_INDICATORS.badBotAgents.some((b) => lower.includes(b));
}

/** True when a query parameter's value starts with a URL scheme (`n=http://evil/x?`). */
export function isInclusionQuery(query: string): boolean {
  for (const pair of query.slice(0, 4096).split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    let v = pair.slice(eq + 1).toLowerCase();
    try {
      v = decodeURIComponent(v);
    } catch {
      // kept as received
    }
    if (WEB_INDICATORS.inclusionSchemes.some((s) => v.startsWith(s))) return true;
  }
  return false;
}

/** Marks an event as an attack indicator with `tag`. */
export function markIndicator(e: EcsEvent, tag: string): void {
  const t = getPath(e, F.eventType);
  const types = Array.isArray(t) ? (t as unknown[]) : [];
  if (!types.includes('indicator')) setPath(e, F.eventType, [...types, 'indicator']);
  addTag(e, tag);
}

/** `source.ip` for an address (IPv6 brackets removed), `source.domain` for a name. */
export function setSource(e: EcsEvent, client: string): void {
  const c = client.startsWith('[') && client.endsWith(']') ? client.slice(1, -1) : client;
  if (c === '' || c === '-') return;
  if (isIP(c) !== 0) setPath(e, F.sourceIp, c);
  else setPath(e, F.sourceDomain, c);
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

export function monthIndex(name: string): number | undefined {
  return MONTHS[name.toLowerCase()];
}

/** ISO text of `y-mo-d h:mi:s` (+ fraction digits) at a UTC offset in minutes; undefined when out of range. */
export function isoTime(y: number, mo: number, d: number, h: number, mi: number, s: number, frac = '', offsetMin = 0): string | undefined {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = frac === '' ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const t = Date.UTC(y, mo, d, h, mi, s, ms) - offsetMin * 60000;
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/**
 * Month abbreviations of servers running under another locale (Java's request logs write `sept.`, `févr.`, `Okt`):
 * French, German, Spanish, Italian, Dutch and Portuguese, without the trailing dot. English ones are in MONTHS.
 */
const LOCAL_MONTHS: Record<string, number> = {
  janv: 0, févr: 1, fevr: 1, fév: 1, mars: 2, avr: 3, mai: 4, juin: 5, juil: 6, août: 7, aout: 7, sept: 8, déc: 11,
  mär: 2, mrz: 2, okt: 9, dez: 11,
  ene: 0, abr: 3, ago: 7, dic: 11,
  gen: 0, mag: 4, giu: 5, lug: 6, set: 8, ott: 9,
  mrt: 2, mei: 4,
  fev: 1, out: 9,
};

/** An English or localized month name (`Sep`, `sept.`, `Okt`) → 0–11. */
export function clfMonthIndex(name: string): number | undefined {
  const n = (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();
  const en = monthIndex(n);
  if (en !== undefined) return en;
  return Object.hasOwn(LOCAL_MONTHS, n) ? LOCAL_MONTHS[n] : undefined;
}

// 10/Oct/2000:13:55:36 -0700 (the zone is sometimes missing or `GMT`: then UTC; the month may be localized: `02/sept./2015`)
const CLF_TIME = /^(\d{1,2})\/([^/\s\]]{3,6})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? ?(?:([+-])(\d{2}):?(\d{2})|GMT|UTC)? ?$/;

export function parseClfTime(text: string): string | undefined {
  const m = CLF_TIME.exec(text);
  if (!m) return undefined;
  const mo = clfMonthIndex(m[2] as string);
  if (mo === undefined) return undefined;
  const off = m[8] ? (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) : 0;
  return isoTime(Number(m[3]), mo, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), m[7] ?? '', off);
}

const Q = '"((?:[^"\\\\]|\\\\.){0,16384})"';
// after the client/ident/user fields: [time] (vhost)? "request" status bytes ("referrer" "agent")?
const TAIL = new RegExp(`^\\[(\\d{1,2}\\/[^\\/\\s\\]]{3,6}\\/\\d{4}:[^\\]]{1,48})\\](?: (\\S{1,255}))? ${Q} (\\d{3}) (\\d{1,20}|-)(?: ${Q} ${Q})?`);
const REQUEST = /^([A-Za-z][A-Za-z_-]{0,31}) (\S{1,16384})(?: HTTP\/(\d(?:\.\d)?))?$/;
const ABSOLUTE = /^[a-zA-Z][a-zA-Z0-9+.-]{0,15}:\/\/([^/?#]{0,255})/;

/** `\"` and `\\` as the servers escape them; other escapes kept. */
function unescape(s: string): string {
  return s.includes('\\') ? s.replace(/\\(["\\])/g, '$1') : s;
}

/** Sets the url.* fields of a request target. */
export function setUrl(e: EcsEvent, target: string): void {
  setPath(e, F.urlOriginal, target);
  let rest = target;
  const abs = ABSOLUTE.exec(target);
  if (abs) {
    if (abs[1]) setPath(e, F.urlDomain, abs[1]);
    rest = target.slice(abs[0].length);
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = q >= 0 ? rest.slice(0, q) : rest;
  if (path !== '') setPath(e, F.urlPath, path);
  if (q >= 0) setPath(e, F.urlQuery, rest.slice(q + 1));
}

/** Sets method, url.* and http.version from a `GET /x?y HTTP/1.1` request line; the raw text when it is not one. */
export function setRequest(e: EcsEvent, request: string): void {
  const r = REQUEST.exec(request);
  if (!r) {
    if (request !== '' && request !== '-') setPath(e, 'http.request.original', request);
    return;
  }
  setPath(e, F.httpRequestMethod, (r[1] as string).toUpperCase());
  setUrl(e, r[2] as string);
  if (r[3]) setPath(e, F.httpVersion, r[3]);
}

/** Parses an access log line into `e`; false (nothing set) when it is not one. The caller sets event.dataset. */
export function parseAccessLine(line: string, e: EcsEvent): boolean {
  const open = line.indexOf(' [');
  if (open < 3 || open > 1024) return false;
  // Jetty's request log (openHAB) pads with two spaces: `192.0.2.1 -  -  [time] …`
  const head = line.slice(0, open);
  const pre = head.includes('  ') ? head.trimEnd().split(/ +/) : head.split(' ');
  if (pre.length < 3 || pre.length > 4) return false;
  let vhost: string | undefined;
  let client: string;
  let user: string;
  if (pre.length === 4 && isIP(pre[0] as string) === 0 && isIP(pre[1] as string) !== 0) {
    vhost = pre[0];
    client = pre[1] as string;
    user = pre[3] as string;
  } else {
    client = pre[0] as string;
    user = pre[2] as string;
    // `host - user -` (an extra `-`, e.g. a %{…} field that was empty) is accepted; otherwise four names are not
    if (pre.length === 4 && pre[3] !== '-') return false;
  }
  if (client === '' || pre.some((p) => p === '')) return false;
  const m = TAIL.exec(line.slice(open + 1));
  if (!m) return false;
  const ts = parseClfTime(m[1] as string);
  const status = Number(m[4]);
  setSource(e, client);
  if (user !== '-' && user !== '') setPath(e, F.userName, user);
  if (ts !== undefined) e[F.timestamp] = ts;
  const host = vhost ?? m[2];
  if (host !== undefined && host !== '-') setPath(e, 'destination.domain', host);
  const request = unescape(m[3] as string);
  setRequest(e, request);
  setPath(e, F.httpResponseStatusCode, status);
  if (m[5] !== '-') setPath(e, F.httpResponseBodyBytes, Number(m[5]));
  const referrer = m[6] !== undefined ? unescape(m[6]) : undefined;
  const agent = m[7] !== undefined ? unescape(m[7]) : undefined;
  if (referrer !== undefined && referrer !== '-' && referrer !== '') setPath(e, F.httpRequestReferrer, referrer);
  if (agent !== undefined && agent !== '-' && agent !== '') setPath(e, F.userAgentOriginal, agent);
  classifyAccess(e, status, agent);
  return true;
}

function classifyAccess(e: EcsEvent, status: number, agent: string | undefined): void {
  setPath(e, F.eventCategory, status === 401 ? ['web', 'authentication'] : ['web']);
  setPath(e, F.eventType, status === 401 || status === 403 ? ['access', 'denied'] : ['access']);
  if (status === 401 || status === 403) setPath(e, F.eventOutcome, 'failure');
  else if (status >= 200 && status < 400) setPath(e, F.eventOutcome, 'success');
  if (agent !== undefined && isBadBotAgent(agent)) markIndicator(e, TAG_BAD_BOT);
  const path = getPath(e, F.urlPath);
  if (status === 404 && typeof path === 'string' && isProbePath(path)) markIndicator(e, TAG_WEB_SCAN);
  const query = getPath(e, F.urlQuery);
  if (typeof query === 'string' && isInclusionQuery(query)) markIndicator(e, TAG_FILE_INCLUSION);
}

/** Cheap pre-test: a `[dd/Mon/yyyy:` time after the first few fields and a quote after it. */
const SNIFF = /^\S{1,255} {1,2}(?:\S{1,255} {1,2}){2,3}\[\d{1,2}\/[^/\s\]]{3,6}\/\d{4}:/;

export const webAccessFormat: LineFormat = {
  name: 'web-access',
  dataset: 'web.access',
  sniff: (line) => SNIFF.test(line.slice(0, 1100)),
  parse: (line, e) => parseAccessLine(line, e),
};

/** Explicit formats: the same parser with the server's dataset. */
export const apacheAccessFormat: LineFormat = { ...webAccessFormat, name: 'apache-access', dataset: 'apache.access', sniff: () => false };
export const nginxAccessFormat: LineFormat = { ...webAccessFormat, name: 'nginx-access', dataset: 'nginx.access', sniff: () => false };
