import type { FieldType } from '../query/target.js';
import { F } from './fields.js';

/** Types of the fields the query language knows; anything else is a keyword (compared as stored). */
const TYPES: Record<string, FieldType> = {
  [F.timestamp]: 'date',
  [F.eventIngested]: 'date',
  'event.start': 'date',
  'event.end': 'date',
  [F.message]: 'text',
  [F.sourceIp]: 'ip',
  [F.destinationIp]: 'ip',
  'client.ip': 'ip',
  'server.ip': 'ip',
  'host.ip': 'ip',
  'observer.ip': 'ip',
  'related.ip': 'ip',
  [F.sourcePort]: 'number',
  [F.destinationPort]: 'number',
  [F.processPid]: 'number',
  [F.eventSeverity]: 'number',
  [F.eventRiskScore]: 'number',
  [F.networkBytes]: 'number',
  [F.networkPackets]: 'number',
  'source.bytes': 'number',
  'destination.bytes': 'number',
  'http.response.status_code': 'number',
  [F.logSyslogPriority]: 'number',
  [F.logSyslogFacilityCode]: 'number',
  [F.logSyslogSeverityCode]: 'number',
};

/** Fields whose value is a list in ECS: a match on any element counts. */
const ARRAYS = new Set<string>([F.eventCategory, F.eventType, F.tags, 'related.ip', 'related.user', 'related.hosts', 'host.ip']);

export function fieldType(name: string): FieldType {
  return TYPES[name] ?? 'keyword';
}

export function isArrayField(name: string): boolean {
  return ARRAYS.has(name);
}
