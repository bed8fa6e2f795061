import type { EcsEvent } from '../../schema/event.js';
import { flowDirection, type InternalNetworks } from '../flow/direction.js';
import { PROTO, tcpFlagNames, transportName } from './decode.js';
import type { Flow } from './flows.js';
import type { NotableEvent } from './notable.js';

/*
 * Flows and notable packets as ECS events, following the flow event contract (docs/pcap.md): `event.dataset`
 * `pcap.flow` / `pcap.notable`, bidirectional sums in network.bytes/packets with the per-direction counts in
 * source.* and destination.*, TCP flags seen in either direction in vigil.flow.tcp_flags.
 */

export const PCAP_FLOW_DATASET = 'pcap.flow';
export const PCAP_NOTABLE_DATASET = 'pcap.notable';

let isoSecond = NaN;
let isoPrefix = '';

/** ISO 8601 UTC with ms, or undefined for a time no Date can hold. The text up to the second is reused (flows of a capture share their seconds). */
function iso(us: number): string | undefined {
  const ms = Math.floor(us / 1000);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  const sec = Math.floor(ms / 1000);
  if (sec !== isoSecond || ms < 0) {
    const text = new Date(ms).toISOString();
    if (text.length !== 24) return text;
    isoSecond = sec;
    isoPrefix = text.slice(0, 20);
    return text;
  }
  const frac = ms - sec * 1000;
  return `${isoPrefix}${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
}

export function flowEvent(f: Flow, nets: InternalNetworks): EcsEvent {
  const start = iso(f.startUs);
  const end = iso(f.endUs);
  const event: Record<string, unknown> = { kind: 'event', category: ['network'], type: ['connection'], dataset: PCAP_FLOW_DATASET, action: `flow_${f.reason}` };
  if (start !== undefined) event['start'] = start;
  if (end !== undefined) event['end'] = end;
  event['duration'] = Math.max(0, Math.round((f.endUs - f.startUs) * 1000));
  const icmp = f.proto === PROTO.icmp || f.proto === PROTO.icmpv6;
  const source: Record<string, unknown> = { ip: f.src, bytes: f.bytesFwd, packets: f.packetsFwd };
  const destination: Record<string, unknown> = { ip: f.dst, bytes: f.bytesRev, packets: f.packetsRev };
  if (f.hasPorts) {
    source['port'] = f.srcPort;
    destination['port'] = f.dstPort;
  }
  const network: Record<string, unknown> = {
    transport: transportName(f.proto),
    iana_number: String(f.proto),
    type: f.ipVersion === 4 ? 'ipv4' : 'ipv6',
    bytes: f.bytesFwd + f.bytesRev,
    packets: f.packetsFwd + f.packetsRev,
  };
  const direction = flowDirection(f.src, f.dst, nets);
  if (direction !== 'unknown') network['direction'] = direction;
  const doc: EcsEvent = { '@timestamp': end ?? start ?? new Date(0).toISOString(), event, source, destination, network };
  if (f.proto === PROTO.tcp) {
    const flags = f.flagsFwd | f.flagsRev;
    doc['vigil'] = { flow: { tcp_flags: tcpFlagNames(flags), tcp_flags_value: flags, source_tcp_flags: tcpFlagNames(f.flagsFwd), destination_tcp_flags: tcpFlagNames(f.flagsRev) } };
  }
  if (icmp && f.icmpType >= 0) doc['icmp'] = { type: f.icmpType, code: f.icmpCode };
  return doc;
}

export function notableToEcs(n: NotableEvent, nets: InternalNetworks): EcsEvent {
  const start = iso(n.startUs);
  const end = iso(n.endUs);
  const event: Record<string, unknown> = { kind: 'event', category: ['network'], type: ['connection'], dataset: PCAP_NOTABLE_DATASET, action: n.action };
  if (start !== undefined) event['start'] = start;
  if (end !== undefined) event['end'] = end;
  const doc: EcsEvent = { '@timestamp': start ?? new Date(0).toISOString(), event, network: { transport: 'tcp' } };
  if (n.src !== undefined) doc['source'] = { ip: n.src };
  if (n.dst !== undefined) doc['destination'] = n.dstPort !== undefined ? { ip: n.dst, port: n.dstPort } : { ip: n.dst };
  if (n.src !== undefined && n.dst !== undefined) {
    const d = flowDirection(n.src, n.dst, nets);
    if (d !== 'unknown') (doc['network'] as Record<string, unknown>)['direction'] = d;
  }
  const pcap: Record<string, unknown> = { count: n.count };
  if (n.action === 'syn_unanswered') pcap['destination_ports'] = { count: n.distinct, sample: n.sample };
  else if (n.action === 'syn_flood') pcap['source_ips'] = { count: n.distinct, sample: n.sample };
  else pcap['destination_ips'] = { count: n.distinct, sample: n.sample };
  doc['vigil'] = { pcap };
  return doc;
}
