import type { Asset, AssetLookup } from '../alerting/types.js';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { formatIp, parseCidr, parseIp } from '../query/cidr.js';

/*
 * The asset inventory as a lookup: which asset an address, host name, user name or service is, and whether an address
 * is internal. Each match entry of an asset is read as an address when it parses as one, as a CIDR when it has a
 * prefix, and otherwise as a name of the asset's kind (user → user name, service → service name, else host name).
 * Names match exactly, case-insensitively. Where several assets match, the most critical wins (then the first listed).
 */

/** Where an asset was matched in an event: the ECS field it was found through. */
export interface AssetMatch {
  field: string;
  value: string;
  asset: Asset;
}

/** The ECS fields read to find the assets an event involves, with the kind of value each holds. */
export const ASSET_FIELDS: ReadonlyArray<{ field: string; as: 'ip' | 'host' | 'user' | 'service' }> = [
  { field: F.sourceIp, as: 'ip' },
  { field: F.destinationIp, as: 'ip' },
  { field: 'host.ip', as: 'ip' },
  { field: F.hostName, as: 'host' },
  { field: 'source.domain', as: 'host' },
  { field: 'destination.domain', as: 'host' },
  { field: F.userName, as: 'user' },
  { field: 'destination.user.name', as: 'user' },
  { field: 'service.name', as: 'service' },
];

/** Longest value looked up (longer ones match nothing). */
const MAX_VALUE = 512;
/** Answers kept by lookup() before the cache is emptied. */
const LOOKUP_CACHE = 20_000;
/** Values of one field looked at in one event (arrays such as host.ip). */
const MAX_VALUES = 16;

/** Networks by prefix length: masked address bytes (as text key) → value. Lookup costs one map probe per length. */
class PrefixTable<T> {
  private readonly byLength = new Map<number, Map<string, T>>();
  /** lengths present, longest first, per address family (4 or 16 bytes) */
  private lengths: { v4: number[]; v6: number[] } = { v4: [], v6: [] };

  set(bytes: Uint8Array, prefix: number, value: T, better: (old: T, neu: T) => boolean): void {
    let m = this.byLength.get(keyNum(bytes.length, prefix));
    if (!m) {
      m = new Map();
      this.byLength.set(keyNum(bytes.length, prefix), m);
      const list = bytes.length === 4 ? this.lengths.v4 : this.lengths.v6;
      list.push(prefix);
      list.sort((a, b) => b - a);
    }
    const k = maskKey(bytes, prefix);
    const old = m.get(k);
    if (old === undefined || better(old, value)) m.set(k, value);
  }

  /** Every value whose network holds the address, longest prefix first. */
  *find(bytes: Uint8Array): Generator<T> {
    const list = bytes.length === 4 ? this.lengths.v4 : this.lengths.v6;
    for (const prefix of list) {
      const v = this.byLength.get(keyNum(bytes.length, prefix))?.get(maskKey(bytes, prefix));
      if (v !== undefined) yield v;
    }
  }

  get size(): number {
    return this.byLength.size;
  }
}

function keyNum(len: number, prefix: number): number {
  return len * 1000 + prefix;
}

function maskKey(bytes: Uint8Array, prefix: number): string {
  let s = '';
  const full = prefix >> 3;
  for (let i = 0; i < full; i++) s += String.fromCharCode(bytes[i] as number);
  const rest = prefix & 7;
  if (rest > 0) s += String.fromCharCode((bytes[full] as number) & ((0xff << (8 - rest)) & 0xff));
  return s;
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is looked up as its IPv4 address. */
function unmapped(b: Uint8Array): Uint8Array {
  if (b.length !== 16) return b;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return b;
  return b[10] === 0xff && b[11] === 0xff ? b.subarray(12) : b;
}

const moreCritical = (old: Asset, neu: Asset): boolean => neu.criticality > old.criticality;

/** How one match entry of an asset is read. */
export function matchKind(asset: Pick<Asset, 'kind'>, entry: string): 'ip' | 'cidr' | 'host' | 'user' | 'service' {
  if (parseIp(entry)) return 'ip';
  if (entry.includes('/') && parseCidr(entry)) return 'cidr';
  if (asset.kind === 'user') return 'user';
  if (asset.kind === 'service') return 'service';
  return 'host';
}

export class AssetInventory implements AssetLookup {
  private readonly list: Asset[];
  private readonly hosts = new Map<string, Asset>();
  private readonly users = new Map<string, Asset>();
  private readonly services = new Map<string, Asset>();
  private readonly nets = new PrefixTable<Asset>();
  private readonly internal = new PrefixTable<true>();
  private readonly cache = new Map<string, Asset | null>();

  constructor(assets: readonly Asset[], internalNetworks: readonly string[] = []) {
    this.list = [...assets];
    const put = (m: Map<string, Asset>, k: string, a: Asset): void => {
      const key = k.toLowerCase();
      const old = m.get(key);
      if (!old || moreCritical(old, a)) m.set(key, a);
    };
    for (const a of assets) {
      for (const entry of a.match) {
        const kind = matchKind(a, entry);
        if (kind === 'ip') {
          const b = unmapped(parseIp(entry) as Uint8Array);
          this.nets.set(b, b.length * 8, a, moreCritical);
        } else if (kind === 'cidr') {
          const c = parseCidr(entry);
          if (c) this.nets.set(c.bytes, c.prefix, a, moreCritical);
        } else if (kind === 'user') put(this.users, entry, a);
        else if (kind === 'service') put(this.services, entry, a);
        else put(this.hosts, entry, a);
      }
    }
    for (const n of internalNetworks) {
      const c = parseCidr(n);
      const ip = c ? null : parseIp(n);
      if (c) this.internal.set(c.bytes, c.prefix, true, () => false);
      else if (ip) this.internal.set(unmapped(ip), unmapped(ip).length * 8, true, () => false);
    }
  }

  /** The assets, in inventory order. */
  all(): readonly Asset[] {
    return this.list;
  }

  get(name: string): Asset | undefined {
    return this.list.find((a) => a.name === name);
  }

  forIp(ip: string): Asset | undefined {
    if (typeof ip !== 'string' || ip.length > 64) return undefined;
    const b = parseIp(ip);
    if (!b) return undefined;
    let best: Asset | undefined;
    for (const a of this.nets.find(unmapped(b))) if (!best || moreCritical(best, a)) best = a;
    return best;
  }

  forHost(name: string): Asset | undefined {
    if (typeof name !== 'string' || name.length > MAX_VALUE) return undefined;
    const a = this.hosts.get(name.toLowerCase());
    if (a) return a;
    // a host name that is an address (host.name is sometimes an IP) matches address and network assets
    return parseIp(name) ? this.forIp(name) : undefined;
  }

  forUser(name: string): Asset | undefined {
    if (typeof name !== 'string' || name.length > MAX_VALUE) return undefined;
    return this.users.get(name.toLowerCase());
  }

  forService(name: string): Asset | undefined {
    if (typeof name !== 'string' || name.length > MAX_VALUE) return undefined;
    return this.services.get(name.toLowerCase());
  }

  isInternal(ip: string): boolean {
    if (typeof ip !== 'string' || ip.length > 64) return false;
    const b = parseIp(ip);
    if (!b) return false;
    for (const v of this.internal.find(unmapped(b))) return v;
    return false;
  }

  /** The asset for one value read as `as` (answers are cached: logs repeat the same addresses and names). */
  lookup(as: 'ip' | 'host' | 'user' | 'service', value: string): Asset | undefined {
    const key = `${as}\u0000${value}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    if (this.cache.size >= LOOKUP_CACHE) this.cache.clear();
    const a = this.uncached(as, value);
    this.cache.set(key, a ?? null);
    return a;
  }

  private uncached(as: 'ip' | 'host' | 'user' | 'service', value: string): Asset | undefined {
    switch (as) {
      case 'ip':
        return this.forIp(value);
      case 'host':
        return this.forHost(value);
      case 'user':
        return this.forUser(value);
      case 'service':
        return this.forService(value);
    }
  }

  /** Every asset an event involves (ASSET_FIELDS), one entry per field and value that matched. */
  matchEvent(e: EcsEvent): AssetMatch[] {
    const out: AssetMatch[] = [];
    if (this.list.length === 0) return out;
    for (const { field, as } of ASSET_FIELDS) {
      const v = getPath(e, field);
      const values = Array.isArray(v) ? v.slice(0, MAX_VALUES) : [v];
      for (const x of values) {
        if (typeof x !== 'string' || x === '') continue;
        const a = this.lookup(as, x);
        if (a) out.push({ field, value: x, asset: a });
      }
    }
    return out;
  }
}

/** The canonical text of an address match entry (so `2001:DB8::1` and `2001:db8::1` are one entry). */
export function canonicalEntry(entry: string): string {
  const b = parseIp(entry);
  if (b) return formatIp(b);
  const c = entry.includes('/') ? parseCidr(entry) : null;
  return c ? `${formatIp(c.bytes)}/${c.prefix}` : entry;
}
