import type { AlertChange, TriagedAlert } from '../types.js';

/** A summary of alerts a channel did not send one by one because of its rate limit. */
export interface Digest {
  channel: string;
  /** alerts summarised */
  count: number;
  /** alerts per rule id */
  rules: Record<string, number>;
  /** the first alert ids (at most 100) */
  alert_ids: string[];
  /** ISO 8601: first and last rate-limited alert of the digest */
  from: string;
  to: string;
}

/** What a channel sends: one alert, or a digest. */
export type Message = { kind: 'alert'; deliveryId: number; change: AlertChange; alert: TriagedAlert } | { kind: 'digest'; deliveryId: number; digest: Digest };

/** A channel's transport. `send` resolves once the peer took the message and rejects with the reason otherwise. */
export interface Transport {
  send(m: Message): Promise<void>;
  close(): Promise<void>;
}

/** The JSON form of an alert (the webhook body, the JSON syslog format). */
export function alertJson(alert: TriagedAlert, change: AlertChange): Record<string, unknown> {
  return {
    id: alert.id,
    change,
    rule: { id: alert.ruleId, name: alert.ruleName },
    level: alert.level,
    severity: alert.severity,
    risk_score: alert.riskScore,
    status: alert.status,
    count: alert.count,
    first_seen: alert.firstSeen,
    last_seen: alert.lastSeen,
    building_block: alert.buildingBlock,
    techniques: alert.techniques,
    entities: {
      source_ip: alert.entities.sourceIp,
      destination_ip: alert.entities.destinationIp,
      user_name: alert.entities.userName,
      host_name: alert.entities.hostName,
    },
    document: alert.doc,
  };
}

/** The JSON body of a message. */
export function messageJson(m: Message): Record<string, unknown> {
  if (m.kind === 'digest') return { type: 'digest', delivery_id: m.deliveryId, digest: m.digest };
  return { type: 'alert', delivery_id: m.deliveryId, alert: alertJson(m.alert, m.change) };
}

/** One line describing a digest (e-mail subject, syslog message). */
export function digestLine(d: Digest): string {
  const top = Object.entries(d.rules)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([r, n]) => `${r} ×${n}`)
    .join(', ');
  return `${d.count} alert(s) held back by the rate limit of channel ${d.channel} between ${d.from} and ${d.to}: ${top}`;
}
