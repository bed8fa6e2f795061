import type { EcsEvent } from '../../schema/event.js';
import { flowDirection, type InternalNetworks } from '../flow/direction.js';
import type { FlowRecord } from './types.js';

/** TCP flag names in bit order (FIN = 0x01 … CWR = 0x80), as `vigil.flow.tcp_flags` lists them. */
const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'] as const;

/** The names of the flags set in `value`, in the order FIN SYN RST PSH ACK URG ECE CWR. */
export function tcpFlagNames(value: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < 8; i++) if (value & (1 << i)) out.push(FLAG_NAMES[i] as string);
  return out;
}

/** ECS `network.transport`: the usual names, else the protocol number as text. */
export function transportName(protocol: number): string {
  switch (protocol) {
    case 6:
      return 'tcp';
    case 17:
      return 'udp';
    case 1:
      return 'icmp';
    case 58:
      return 'ipv6-icmp';
    default:
      return String(protocol);
  }
}

/** ISO 8601 UTC with ms, or undefined for a time no Date can hold (a hostile exporter). */
function iso(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  return new Date(ms).toISOString();
}

/**
 * A flow record as the ECS event the pipeline stores (event.dataset `netflow`), following the flow event contract:
 * bytes and packets multiplied by the sampling interval, direction from the internal networks, the exporter as
 * `observer.ip`, no `event.original` (binary input).
 */
export function flowToEcs(r: FlowRecord, nets: InternalNetworks): EcsEvent {
  const start = iso(r.startMs);
  const end = iso(r.endMs);
  const event: Record<string, unknown> = { kind: 'event', category: ['network'], type: ['connection'], dataset: 'netflow' };
  if (start !== undefined) event['start'] = start;
  if (end !== undefined) event['end'] = end;
  if (start !== undefined && end !== undefined && (r.endMs as number) >= (r.startMs as number)) {
    event['duration'] = ((r.endMs as number) - (r.startMs as number)) * 1_000_000;
  }
  const icmp = r.protocol === 1 || r.protocol === 58;
  const source: Record<string, unknown> = {};
  const destination: Record<string, unknown> = {};
  if (r.srcAddr !== undefined) source['ip'] = r.srcAddr;
  if (r.dstAddr !== undefined) destination['ip'] = r.dstAddr;
  if (!icmp) {
    if (r.srcPort !== undefined) source['port'] = r.srcPort;
    if (r.dstPort !== undefined) destination['port'] = r.dstPort;
  }
  const k = r.samplingInterval;
  const network: Record<string, unknown> = { bytes: r.bytes * k, packets: r.packets * k };
  if (r.protocol !== undefined) {
    network['transport'] = transportName(r.protocol);
    network['iana_number'] = String(r.protocol);
  }
  if (r.ipVersion !== undefined) network['type'] = r.ipVersion === 4 ? 'ipv4' : 'ipv6';
  const direction = flowDirection(r.srcAddr, r.dstAddr, nets);
  if (direction !== 'unknown') network['direction'] = direction;
  const observer: Record<string, unknown> = { ip: r.exporter };
  if (r.inIf !== undefined) observer['ingress'] = { interface: { id: String(r.inIf) } };
  if (r.outIf !== undefined) observer['egress'] = { interface: { id: String(r.outIf) } };
  const exporter: Record<string, unknown> = {};
  if (r.version === 9) exporter['source_id'] = r.domainId;
  else if (r.version === 10) exporter['observation_domain_id'] = r.domainId;
  else {
    exporter['engine_type'] = r.domainId >> 8;
    exporter['engine_id'] = r.domainId & 0xff;
  }
  const netflow: Record<string, unknown> = { version: r.version, exporter };
  if (r.version !== 5) netflow['template_id'] = r.templateId;
  if (k !== 1) netflow['sampling_interval'] = k;
  const doc: EcsEvent = {
    '@timestamp': end ?? start ?? iso(r.exportMs) ?? new Date(0).toISOString(),
    event,
    source,
    destination,
    network,
    observer,
    netflow,
  };
  if (r.tcpFlags !== undefined && r.protocol === 6) {
    doc['vigil'] = { flow: { tcp_flags: tcpFlagNames(r.tcpFlags), tcp_flags_value: r.tcpFlags } };
  }
  if (icmp && (r.icmpType !== undefined || r.icmpCode !== undefined)) {
    const i: Record<string, unknown> = {};
    if (r.icmpType !== undefined) i['type'] = r.icmpType;
    if (r.icmpCode !== undefined) i['code'] = r.icmpCode;
    doc['icmp'] = i;
  }
  return doc;
}
