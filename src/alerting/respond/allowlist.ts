import type { Cidr } from '../../query/cidr.js';
import type { AssetLookup } from '../types.js';
import { networkOf, overlaps, type BlockTarget } from './address.js';

/** Never blocked, whatever the configuration says: loopback and the unspecified addresses. */
const ALWAYS = ['127.0.0.0/8', '::1/128', '0.0.0.0/32', '::/128'];

export interface AllowlistOptions {
  entries: readonly string[];
  /** internal_networks, when allowlist_internal is on */
  internal: readonly string[];
  minCriticality: number;
  tags: readonly string[];
  assets?: () => AssetLookup | undefined;
}

/**
 * The allowlist that wins over every rule: configured addresses and CIDRs, the internal networks, loopback, and
 * addresses whose asset is critical or tagged never to be blocked. A target is refused when its network shares any
 * address with an allowlisted one, so blocking an IPv6 /64 never cuts off an allowlisted address inside it.
 */
export class Allowlist {
  private readonly nets: { net: Cidr; text: string; why: string }[] = [];

  constructor(private readonly opts: AllowlistOptions) {
    const add = (list: readonly string[], why: string): void => {
      for (const text of list) {
        const net = networkOf(text);
        if (net) this.nets.push({ net, text, why });
      }
    };
    add(ALWAYS, 'loopback or unspecified');
    add(opts.entries, 'allowlist');
    add(opts.internal, 'internal network');
  }

  /** Why `t` must not be blocked, or undefined when it may be. */
  refuses(t: BlockTarget): string | undefined {
    for (const n of this.nets) if (overlaps(n.net, t.net)) return `${n.why} ${n.text}`;
    const lookup = this.opts.assets?.();
    if (lookup) {
      const a = lookup.forIp(t.ip);
      if (a) {
        if (a.criticality >= this.opts.minCriticality) return `asset ${a.name} has criticality ${a.criticality}`;
        const tag = a.tags.find((x) => this.opts.tags.includes(x));
        if (tag !== undefined) return `asset ${a.name} is tagged ${tag}`;
      }
      if (this.opts.internal.length > 0 && lookup.isInternal(t.ip)) return 'internal network';
    }
    return undefined;
  }
}
