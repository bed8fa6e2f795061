import { parseCidr, parseIp } from '../../query/cidr.js';
import { canonicalDomain, canonicalUrl, type Indicator } from './indicators.js';

/** An indicator as indexed: which feed gave it. */
export interface IndexedIndicator extends Indicator {
  feed: string;
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** The address bytes with everything after `prefix` bits cleared, as hex. */
function masked(bytes: Uint8Array, prefix: number): string {
  const b = bytes.slice();
  for (let bit = prefix; bit < b.length * 8; bit++) b[bit >> 3] = (b[bit >> 3] as number) & ~(0x80 >> (bit & 7));
  return hex(b);
}

/** labels of a domain looked up at most (a.b.c.evil.com: itself and each parent) */
const MAX_LABELS = 16;

/**
 * Every indicator of every feed, for lookups on the event stream: addresses and hashes and URLs by exact key,
 * domains by the name and each parent (an indicator `evil.com` matches `a.evil.com`), networks by one map per prefix
 * length in use. Bounded: `add` refuses beyond `max` and the caller counts it.
 */
export class IntelIndex {
  private readonly exact = new Map<string, IndexedIndicator>();
  /** per family (4 or 16 bytes), per prefix length: masked network → indicator */
  private readonly nets = new Map<number, Map<number, Map<string, IndexedIndicator>>>();
  size = 0;

  constructor(readonly max: number) {}

  private static key(i: Indicator): string | undefined {
    switch (i.type) {
      case 'ip': {
        const b = parseIp(i.value);
        return b ? `ip:${hex(b)}` : undefined;
      }
      case 'domain':
        return `dn:${i.value}`;
      case 'url':
        return `url:${i.value}`;
      case 'hash':
        return `h:${i.value}`;
      case 'cidr':
        return undefined;
    }
  }

  /** Adds an indicator; false when the index is full (the first feed to name an indicator keeps it). */
  add(i: IndexedIndicator): boolean {
    if (i.type === 'cidr') {
      const c = parseCidr(i.value);
      if (!c) return true;
      let fam = this.nets.get(c.bytes.length);
      if (!fam) this.nets.set(c.bytes.length, (fam = new Map<number, Map<string, IndexedIndicator>>()));
      let byLen = fam.get(c.prefix);
      if (!byLen) fam.set(c.prefix, (byLen = new Map<string, IndexedIndicator>()));
      const k = hex(c.bytes);
      if (byLen.has(k)) return true;
      if (this.size >= this.max) return false;
      byLen.set(k, i);
      this.size++;
      return true;
    }
    const k = IntelIndex.key(i);
    if (k === undefined || this.exact.has(k)) return true;
    if (this.size >= this.max) return false;
    this.exact.set(k, i);
    this.size++;
    return true;
  }

  /** The indicator an address is, or lies in. */
  ip(text: string): IndexedIndicator | undefined {
    const b = parseIp(text);
    if (!b) return undefined;
    const hit = this.exact.get(`ip:${hex(b)}`);
    if (hit) return hit;
    const fam = this.nets.get(b.length);
    if (!fam) return undefined;
    for (const [prefix, byLen] of fam) {
      const n = byLen.get(masked(b, prefix));
      if (n) return n;
    }
    return undefined;
  }

  domain(text: string): IndexedIndicator | undefined {
    const d = canonicalDomain(text);
    if (d === undefined) return undefined;
    let rest = d;
    for (let i = 0; i < MAX_LABELS; i++) {
      const hit = this.exact.get(`dn:${rest}`);
      if (hit) return hit;
      const dot = rest.indexOf('.');
      if (dot < 0) return undefined;
      rest = rest.slice(dot + 1);
    }
    return undefined;
  }

  url(text: string): IndexedIndicator | undefined {
    const u = canonicalUrl(text);
    return u === undefined ? undefined : this.exact.get(`url:${u}`);
  }

  hash(text: string): IndexedIndicator | undefined {
    return text.length <= 128 ? this.exact.get(`h:${text.toLowerCase()}`) : undefined;
  }

  /** Every indicator (for telling new ones after a refresh). */
  *all(): Iterable<IndexedIndicator> {
    yield* this.exact.values();
    for (const fam of this.nets.values()) for (const byLen of fam.values()) yield* byLen.values();
  }
}

/** A stable key of an indicator within its feed (for "was it there before this refresh"). */
export function indicatorKey(i: Indicator): string {
  return `${i.type}:${i.value}`;
}
