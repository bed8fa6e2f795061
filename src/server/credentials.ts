import { tokenMatches } from './auth.js';

/**
 * What the Elasticsearch- and Splunk-compatible endpoints accept as credentials. Shippers are configured with a
 * user and password, an API key or a token, and send them in their own scheme; each scheme carries one secret that
 * is compared (in constant time) with the tokens Vigil knows:
 *
 * - `Bearer TOKEN`                    the token itself
 * - `Basic base64(USER:TOKEN)`        the password is the token; the user name is not checked (e.g. `vigil`)
 * - `ApiKey TOKEN`                    the token itself, as the Elasticsearch client sends a string API key
 * - `ApiKey base64(ID:TOKEN)`         the key part is the token; the id is not checked (Filebeat's `api_key: ID:KEY`)
 * - `Splunk TOKEN`                    the token itself (HEC)
 */
export type Scheme = 'bearer' | 'basic' | 'apikey' | 'splunk';

export interface Presented {
  scheme: Scheme;
  /** the secrets this header could carry (an ApiKey may be the raw key or base64 of id:key) */
  secrets: string[];
}

const MAX_HEADER = 4096;

function decodeBase64(s: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return undefined;
  return Buffer.from(s, 'base64').toString('utf8');
}

/** The scheme and secret of an Authorization header; undefined when there is none or it is malformed. */
export function parseAuthorization(header: string | undefined): Presented | undefined {
  if (header === undefined || header.length === 0 || header.length > MAX_HEADER) return undefined;
  const m = /^([A-Za-z]+) +(\S+) *$/.exec(header);
  if (!m) return undefined;
  const scheme = (m[1] ?? '').toLowerCase();
  const value = m[2] ?? '';
  switch (scheme) {
    case 'bearer':
      return { scheme, secrets: [value] };
    case 'splunk':
      return { scheme, secrets: [value] };
    case 'basic': {
      const decoded = decodeBase64(value);
      const colon = decoded?.indexOf(':') ?? -1;
      if (decoded === undefined || colon < 0) return undefined;
      return { scheme, secrets: [decoded.slice(colon + 1)] };
    }
    case 'apikey': {
      const secrets = [value];
      const decoded = decodeBase64(value);
      const colon = decoded?.indexOf(':') ?? -1;
      if (decoded !== undefined && colon >= 0) secrets.push(decoded.slice(colon + 1));
      return { scheme, secrets };
    }
    default:
      return undefined;
  }
}

/** True when one of the presented secrets is one of `tokens` (every pair is compared, in constant time). */
export function presentedMatches(p: Presented, tokens: readonly string[]): boolean {
  let ok = false;
  for (const s of p.secrets) for (const t of tokens) if (tokenMatches(s, t)) ok = true;
  return ok;
}
