import { parseCidr, parseIp, type Cidr } from '../../query/cidr.js';

const MEMO_LIMIT = 8192;

/** ECS `network.direction` of a flow, as seen from the configured internal networks. */
export type FlowDirection = 'inbound' | 'outbound' | 'internal' | 'external' | 'unknown';

/**
 * The configured internal networks, parsed once. A plain address counts as a /32 (or /128) network. Entries that are
 * neither an address nor a CIDR are ignored (the config schema already refuses them).
 */
export class InternalNetworks {
  private readonly v4: Cidr[] = [];
  private readonly v6: Cidr[] = [];
  /** recent answers by address text (flows repeat addresses); cleared when full, so bounded */
  private readonly memo = new Map<string, boolean | undefined>();

  constructor(list: readonly string[]) {
    for (const text of list) {
      const net = parseCidr(text) ?? addressNet(text);
      if (net) (net.bytes.length === 4 ? this.v4 : this.v6).push(net);
    }
  }

  /** True when `ip` (text) lies in one of the networks; an IPv4-mapped IPv6 address is looked up as IPv4. */
  contains(ip: string): boolean {
    return this.lookup(ip) === true;
  }

  /** Like `contains`, but undefined when `ip` is not an address. */
  lookup(ip: string): boolean | undefined {
    if (this.memo.has(ip)) return this.memo.get(ip);
    let answer: boolean | undefined;
    let bytes = parseIp(ip);
    if (bytes) {
      if (bytes.length === 16 && isMapped(bytes)) bytes = bytes.subarray(12);
      const nets = bytes.length === 4 ? this.v4 : this.v6;
      answer = false;
      for (const net of nets) {
        if (inNet(bytes, net)) {
          answer = true;
          break;
        }
      }
    }
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(ip, answer);
    return answer;
  }
}

/**
 * `inbound` (outside → inside), `outbound` (inside → outside), `internal` (both inside), `external` (both outside);
 * `unknown` when an address is missing or unreadable.
 */
export function flowDirection(src: string | undefined, dst: string | undefined, nets: InternalNetworks | readonly string[]): FlowDirection {
  if (src === undefined || dst === undefined) return 'unknown';
  const n = nets instanceof InternalNetworks ? nets : new InternalNetworks(nets);
  const s = n.lookup(src);
  const d = n.lookup(dst);
  if (s === undefined || d === undefined) return 'unknown';
  if (s && d) return 'internal';
  if (s) return 'outbound';
  if (d) return 'inbound';
  return 'external';
}

function addressNet(text: string): Cidr | null {
  const bytes = parseIp(text);
  return bytes ? { bytes, prefix: bytes.length * 8 } : null;
}

function isMapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

function inNet(addr: Uint8Array, net: Cidr): boolean {
  const full = net.prefix >> 3;
  for (let i = 0; i < full; i++) if (addr[i] !== net.bytes[i]) return false;
  const rest = net.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((addr[full] as number) & mask) === net.bytes[full];
}
