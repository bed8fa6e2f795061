import type { EcsEvent } from '../../schema/event.js';
import { F } from '../../schema/fields.js';
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

/** Flow fields that src/schema/fields.ts has no constant for (the flow event contract's names). */
export const FLOW_FIELDS = {
  eventStart: 'event.start',
  eventEnd: 'event.end',
  eventDuration: 'event.duration',
  networkIanaNumber: 'network.iana_number',
  networkType: 'network.type',
  networkDirection: 'network.direction',
  observerIp: 'observer.ip',
  observerIngressInterface: 'observer.ingress.interface.id',
  observerEgressInterface: 'observer.egress.interface.id',
  icmpType: 'icmp.type',
  icmpCode: 'icmp.code',
  tcpFlags: 'vigil.flow.tcp_flags',
  tcpFlagsValue: 'vigil.flow.tcp_flags_value',
  version: 'netflow.version',
  sourceId: 'netflow.exporter.source_id',
  observationDomainId: 'netflow.exporter.observation_domain_id',
  engineType: 'netflow.exporter.engine_type',
  engineId: 'netflow.exporter.engine_id',
  templateId: 'netflow.template_id',
  samplingInterval: 'netflow.sampling_interval',
} as const;

const N = FLOW_FIELDS;
const CATEGORY = ['network'];
const TYPE = ['connection'];

/**
 * A flow record as the ECS event the pipeline stores (event.dataset `netflow`), following the flow event contract:
 * bytes and packets multiplied by the sampling interval, direction from the internal networks, the exporter as
 * `observer.ip`, no `event.original` (binary input). Dotted keys, as parsers return them; the pipeline nests them.
 */
export function flowToEcs(r: FlowRecord, nets: InternalNetworks): EcsEvent {
  const start = iso(r.startMs);
  const end = iso(r.endMs);
  const doc: EcsEvent = {
    [F.timestamp]: end ?? start ?? iso(r.exportMs) ?? new Date(0).toISOString(),
    [F.eventKind]: 'event',
    [F.eventCategory]: [...CATEGORY],
    [F.eventType]: [...TYPE],
    [F.eventDataset]: 'netflow',
  };
  if (start !== undefined) doc[N.eventStart] = start;
  if (end !== undefined) doc[N.eventEnd] = end;
  if (start !== undefined && end !== undefined && (r.endMs as number) >= (r.startMs as number)) {
    doc[N.eventDuration] = ((r.endMs as number) - (r.startMs as number)) * 1_000_000;
  }
  const icmp = r.protocol === 1 || r.protocol === 58;
  if (r.srcAddr !== undefined) doc[F.sourceIp] = r.srcAddr;
  if (!icmp && r.srcPort !== undefined) doc[F.sourcePort] = r.srcPort;
  if (r.dstAddr !== undefined) doc[F.destinationIp] = r.dstAddr;
  if (!icmp && r.dstPort !== undefined) doc[F.destinationPort] = r.dstPort;
  const k = r.samplingInterval;
  if (r.protocol !== undefined) {
    doc[F.networkTransport] = transportName(r.protocol);
    doc[N.networkIanaNumber] = String(r.protocol);
  }
  if (r.ipVersion !== undefined) doc[N.networkType] = r.ipVersion === 4 ? 'ipv4' : 'ipv6';
  doc[F.networkBytes] = r.bytes * k;
  doc[F.networkPackets] = r.packets * k;
  const direction = flowDirection(r.srcAddr, r.dstAddr, nets);
  if (direction !== 'unknown') doc[N.networkDirection] = direction;
  doc[N.observerIp] = r.exporter;
  if (r.inIf !== undefined) doc[N.observerIngressInterface] = String(r.inIf);
  if (r.outIf !== undefined) doc[N.observerEgressInterface] = String(r.outIf);
  if (r.tcpFlags !== undefined && r.protocol === 6) {
    doc[N.tcpFlags] = tcpFlagNames(r.tcpFlags);
    doc[N.tcpFlagsValue] = r.tcpFlags;
  }
  if (icmp) {
    if (r.icmpType !== undefined) doc[N.icmpType] = r.icmpType;
    if (r.icmpCode !== undefined) doc[N.icmpCode] = r.icmpCode;
  }
  doc[N.version] = r.version;
  if (r.version === 9) doc[N.sourceId] = r.domainId;
  else if (r.version === 10) doc[N.observationDomainId] = r.domainId;
  else {
    doc[N.engineType] = r.domainId >> 8;
    doc[N.engineId] = r.domainId & 0xff;
  }
  if (r.version !== 5) doc[N.templateId] = r.templateId;
  if (k !== 1) doc[N.samplingInterval] = k;
  return doc;
}
