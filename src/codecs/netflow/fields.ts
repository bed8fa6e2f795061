import { formatIp } from '../../query/cidr.js';
import type { FlowRecord } from './types.js';

/**
 * Information elements (IANA IPFIX registry; NetFlow v9 uses the same numbers for these) that Vigil reads. Every other
 * element, and every enterprise-specific one, is skipped by its length.
 */
export const IE = {
  octetDeltaCount: 1,
  packetDeltaCount: 2,
  protocolIdentifier: 4,
  ipClassOfService: 5,
  tcpControlBits: 6,
  sourceTransportPort: 7,
  sourceIPv4Address: 8,
  sourceIPv4PrefixLength: 9,
  ingressInterface: 10,
  destinationTransportPort: 11,
  destinationIPv4Address: 12,
  destinationIPv4PrefixLength: 13,
  egressInterface: 14,
  ipNextHopIPv4Address: 15,
  bgpNextHopIPv4Address: 18,
  flowEndSysUpTime: 21,
  flowStartSysUpTime: 22,
  postOctetDeltaCount: 23,
  postPacketDeltaCount: 24,
  sourceIPv6Address: 27,
  destinationIPv6Address: 28,
  sourceIPv6PrefixLength: 29,
  destinationIPv6PrefixLength: 30,
  icmpTypeCodeIPv4: 32,
  samplingInterval: 34,
  samplingAlgorithm: 35,
  samplerId: 48,
  samplerMode: 49,
  samplerRandomInterval: 50,
  ipNextHopIPv6Address: 62,
  bgpNextHopIPv6Address: 63,
  octetTotalCount: 85,
  packetTotalCount: 86,
  icmpTypeCodeIPv6: 139,
  flowStartSeconds: 150,
  flowEndSeconds: 151,
  flowStartMilliseconds: 152,
  flowEndMilliseconds: 153,
  flowStartMicroseconds: 154,
  flowEndMicroseconds: 155,
  flowStartNanoseconds: 156,
  flowEndNanoseconds: 157,
  flowStartDeltaMicroseconds: 158,
  flowEndDeltaMicroseconds: 159,
  systemInitTimeMilliseconds: 160,
  icmpTypeIPv4: 176,
  icmpCodeIPv4: 177,
  icmpTypeIPv6: 178,
  icmpCodeIPv6: 179,
  selectorId: 302,
  samplingPacketInterval: 305,
  samplingPacketSpace: 306,
  samplingSize: 309,
  samplingPopulation: 310,
} as const;

/** Seconds between the NTP era (1900) and the Unix epoch. */
const NTP_UNIX_OFFSET = 2_208_988_800;

/** Unsigned big-endian integer of 1–8 bytes (reduced-size encoding, RFC 7011 §6.2); above 2^53 precision is lost. */
export function readUint(b: Uint8Array, off: number, len: number): number {
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + (b[off + i] as number);
  return v;
}

export function ipv4At(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

function ipv6At(b: Uint8Array, o: number): string {
  return formatIp(b.subarray(o, o + 16));
}

/** dateTimeMicroseconds / dateTimeNanoseconds (NTP format: seconds since 1900, 2^-32 fractions) as ms since the epoch. */
function ntpMs(b: Uint8Array, o: number): number {
  const secs = readUint(b, o, 4);
  const frac = readUint(b, o + 4, 4);
  return (secs - NTP_UNIX_OFFSET) * 1000 + Math.floor((frac * 1000) / 4294967296);
}

/**
 * Per-record values that are not stored on the record itself but used to finish it: sysUptime-relative times,
 * deltas to the export time, the system init time and a sampling interval carried in the record.
 */
export interface Scratch {
  startUptime: number | undefined;
  endUptime: number | undefined;
  startDeltaUs: number | undefined;
  endDeltaUs: number | undefined;
  systemInitMs: number | undefined;
  samplingInterval: number | undefined;
  samplerId: number | undefined;
  octetsTotal: number | undefined;
  packetsTotal: number | undefined;
  postOctets: number | undefined;
  postPackets: number | undefined;
  hasOctets: boolean;
  hasPackets: boolean;
}

export function newScratch(): Scratch {
  return {
    startUptime: undefined,
    endUptime: undefined,
    startDeltaUs: undefined,
    endDeltaUs: undefined,
    systemInitMs: undefined,
    samplingInterval: undefined,
    samplerId: undefined,
    octetsTotal: undefined,
    packetsTotal: undefined,
    postOctets: undefined,
    postPackets: undefined,
    hasOctets: false,
    hasPackets: false,
  };
}

export function resetScratch(s: Scratch): void {
  s.startUptime = s.endUptime = s.startDeltaUs = s.endDeltaUs = s.systemInitMs = undefined;
  s.samplingInterval = s.samplerId = s.octetsTotal = s.packetsTotal = s.postOctets = s.postPackets = undefined;
  s.hasOctets = s.hasPackets = false;
}

/**
 * Stores one field value into the record (or the scratch). A value whose length does not fit the element's type
 * (an address that is not 4 or 16 bytes, an integer longer than 8) is ignored.
 */
export function applyField(r: FlowRecord, s: Scratch, id: number, b: Uint8Array, o: number, len: number): void {
  if (len === 0) return;
  if (len > 8 && len !== 16) return;
  switch (id) {
    case IE.octetDeltaCount:
      r.bytes = readUint(b, o, len);
      s.hasOctets = true;
      return;
    case IE.packetDeltaCount:
      r.packets = readUint(b, o, len);
      s.hasPackets = true;
      return;
    case IE.octetTotalCount:
      s.octetsTotal = readUint(b, o, len);
      return;
    case IE.packetTotalCount:
      s.packetsTotal = readUint(b, o, len);
      return;
    case IE.postOctetDeltaCount:
      s.postOctets = readUint(b, o, len);
      return;
    case IE.postPacketDeltaCount:
      s.postPackets = readUint(b, o, len);
      return;
    case IE.protocolIdentifier:
      r.protocol = readUint(b, o, len) & 0xff;
      return;
    case IE.ipClassOfService:
      r.tos = readUint(b, o, len) & 0xff;
      return;
    case IE.tcpControlBits:
      r.tcpFlags = readUint(b, o, len) & 0xfff;
      return;
    case IE.sourceTransportPort:
      r.srcPort = readUint(b, o, len) & 0xffff;
      return;
    case IE.destinationTransportPort:
      r.dstPort = readUint(b, o, len) & 0xffff;
      return;
    case IE.sourceIPv4Address:
      if (len === 4) {
        r.srcAddr = ipv4At(b, o);
        r.ipVersion = 4;
      }
      return;
    case IE.destinationIPv4Address:
      if (len === 4) {
        r.dstAddr = ipv4At(b, o);
        r.ipVersion = 4;
      }
      return;
    case IE.ipNextHopIPv4Address:
      if (len === 4) r.nextHop = ipv4At(b, o);
      return;
    case IE.sourceIPv6Address:
      if (len === 16) {
        r.srcAddr = ipv6At(b, o);
        r.ipVersion = 6;
      }
      return;
    case IE.destinationIPv6Address:
      if (len === 16) {
        r.dstAddr = ipv6At(b, o);
        r.ipVersion = 6;
      }
      return;
    case IE.ipNextHopIPv6Address:
      if (len === 16) r.nextHop = ipv6At(b, o);
      return;
    case IE.bgpNextHopIPv4Address:
      // the IP next hop wins when both are exported
      if (len === 4) r.nextHop ??= ipv4At(b, o);
      return;
    case IE.bgpNextHopIPv6Address:
      if (len === 16) r.nextHop ??= ipv6At(b, o);
      return;
    case IE.sourceIPv4PrefixLength:
    case IE.sourceIPv6PrefixLength:
      r.srcMask = readUint(b, o, len);
      return;
    case IE.destinationIPv4PrefixLength:
    case IE.destinationIPv6PrefixLength:
      r.dstMask = readUint(b, o, len);
      return;
    case IE.ingressInterface:
      r.inIf = readUint(b, o, len);
      return;
    case IE.egressInterface:
      r.outIf = readUint(b, o, len);
      return;
    case IE.icmpTypeCodeIPv4:
    case IE.icmpTypeCodeIPv6: {
      const v = readUint(b, o, len);
      r.icmpType = (v >> 8) & 0xff;
      r.icmpCode = v & 0xff;
      return;
    }
    case IE.icmpTypeIPv4:
    case IE.icmpTypeIPv6:
      r.icmpType = readUint(b, o, len) & 0xff;
      return;
    case IE.icmpCodeIPv4:
    case IE.icmpCodeIPv6:
      r.icmpCode = readUint(b, o, len) & 0xff;
      return;
    case IE.flowStartSysUpTime:
      s.startUptime = readUint(b, o, len);
      return;
    case IE.flowEndSysUpTime:
      s.endUptime = readUint(b, o, len);
      return;
    case IE.flowStartSeconds:
      r.startMs = readUint(b, o, len) * 1000;
      return;
    case IE.flowEndSeconds:
      r.endMs = readUint(b, o, len) * 1000;
      return;
    case IE.flowStartMilliseconds:
      r.startMs = readUint(b, o, len);
      return;
    case IE.flowEndMilliseconds:
      r.endMs = readUint(b, o, len);
      return;
    case IE.flowStartMicroseconds:
    case IE.flowStartNanoseconds:
      if (len === 8) r.startMs = ntpMs(b, o);
      return;
    case IE.flowEndMicroseconds:
    case IE.flowEndNanoseconds:
      if (len === 8) r.endMs = ntpMs(b, o);
      return;
    case IE.flowStartDeltaMicroseconds:
      s.startDeltaUs = readUint(b, o, len);
      return;
    case IE.flowEndDeltaMicroseconds:
      s.endDeltaUs = readUint(b, o, len);
      return;
    case IE.systemInitTimeMilliseconds:
      s.systemInitMs = readUint(b, o, len);
      return;
    case IE.samplingInterval:
    case IE.samplerRandomInterval:
      s.samplingInterval = readUint(b, o, len);
      return;
    case IE.samplerId:
    case IE.selectorId:
      s.samplerId = readUint(b, o, len);
      return;
    default:
      return;
  }
}

/** What an options data record says about sampling and uptime (RFC 7270 / RFC 5476 elements, v9 FLOW_SAMPLER_*). */
export interface OptionValues {
  samplerId: number | undefined;
  interval: number | undefined;
  systemInitMs: number | undefined;
}

/** Count-based sampling parameters (RFC 5477), turned into one interval once the whole record is read. */
export interface SamplingParts {
  packetInterval: number | undefined;
  space: number | undefined;
  size: number | undefined;
  population: number | undefined;
}

/** 1-in-N from the parts an options record gave (n-out-of-N first, then interval + space), or undefined. */
export function samplingFromParts(p: SamplingParts): number | undefined {
  if (p.size !== undefined && p.population !== undefined && p.size > 0) return p.population / p.size;
  if (p.packetInterval !== undefined && p.space !== undefined && p.packetInterval > 0) return (p.packetInterval + p.space) / p.packetInterval;
  return undefined;
}

export function readOptionField(v: OptionValues, extra: SamplingParts, id: number, b: Uint8Array, o: number, len: number): void {
  if (len === 0 || len > 8) return;
  switch (id) {
    case IE.samplingInterval:
    case IE.samplerRandomInterval:
      v.interval = readUint(b, o, len);
      return;
    case IE.samplingPacketInterval:
      extra.packetInterval = readUint(b, o, len);
      return;
    case IE.samplingPacketSpace:
      extra.space = readUint(b, o, len);
      return;
    case IE.samplingSize:
      extra.size = readUint(b, o, len);
      return;
    case IE.samplingPopulation:
      extra.population = readUint(b, o, len);
      return;
    case IE.samplerId:
    case IE.selectorId:
      v.samplerId = readUint(b, o, len);
      return;
    case IE.systemInitTimeMilliseconds:
      v.systemInitMs = readUint(b, o, len);
      return;
    default:
      return;
  }
}
