import type { EcsEvent } from '../schema/event.js';

/*
 * The alerting contract: what the alert queue (lifecycle, risk, grouping, suppression) hands to notification and
 * response, and what the asset inventory answers. Kept in one small file so that each side can be built against it.
 */

export type AlertStatus = 'open' | 'acknowledged' | 'closed';
export type CloseReason = 'true_positive' | 'false_positive' | 'benign';

/** The entities an alert is about, taken from its group-by values and evidence (bounded lists, no duplicates). */
export interface AlertEntities {
  sourceIp: string[];
  destinationIp: string[];
  userName: string[];
  hostName: string[];
}

/** One alert in the queue after grouping, suppression and risk scoring. */
export interface TriagedAlert {
  /** the alert id (event.id of the first alert document of the group) */
  id: string;
  ruleId: string;
  ruleName: string;
  /** Sigma level: informational | low | medium | high | critical */
  level: string;
  /** 0–100, from the level */
  severity: number;
  /** 0–100, see docs/alerting.md */
  riskScore: number;
  status: AlertStatus;
  entities: AlertEntities;
  /** how many alert documents this grouped alert stands for */
  count: number;
  /** ISO 8601 */
  firstSeen: string;
  lastSeen: string;
  /** building-block alerts feed correlations and risk but stay out of the triage queue, notifications and response */
  buildingBlock: boolean;
  /** ATT&CK technique ids (T1110.001) */
  techniques: string[];
  /** the ECS alert document (event.kind: alert) */
  doc: EcsEvent;
}

/** 'new': a new alert entered the queue; 'grouped': an existing one counted a repeat; 'status': a triage change. */
export type AlertChange = 'new' | 'grouped' | 'status';

/** Notification and response subscribe to the queue with this. Must not throw; may start async work of its own. */
export type AlertListener = (alert: TriagedAlert, change: AlertChange) => void;

export interface Asset {
  /** stable name, e.g. "db-1" */
  name: string;
  kind: 'host' | 'address' | 'network' | 'user' | 'service';
  /** host name, IP address, CIDR, user name or service name, by kind */
  match: string[];
  /** 1 (lab) … 5 (crown jewels) */
  criticality: 1 | 2 | 3 | 4 | 5;
  owner?: string;
  environment?: string;
  tags: string[];
}

/** What enrichment, risk and the response allowlist ask of the asset inventory. */
export interface AssetLookup {
  /** the most critical asset matching an address (exact address or CIDR), if any */
  forIp(ip: string): Asset | undefined;
  forHost(name: string): Asset | undefined;
  forUser(name: string): Asset | undefined;
  /** true for an address inside the configured internal networks */
  isInternal(ip: string): boolean;
}
