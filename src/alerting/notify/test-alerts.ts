import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DetectionEngine } from '../../detect/engine.js';
import { loadRuleSet } from '../../detect/ruleset.js';
import { LineParser } from '../../parsers/line.js';
import { getPath, setPath, type EcsEvent } from '../../schema/event.js';
import { F } from '../../schema/fields.js';
import type { TriagedAlert } from '../types.js';

/*
 * Test support: real alert documents, made by running the real detection engine with the shipped rules over
 * examples/auth.log, turned into TriagedAlerts the way the queue hands them over.
 */

let cached: EcsEvent[] | undefined;

/** The alert documents the shipped rules raise for examples/auth.log (brute force from 203.0.113.45 and others). */
export function exampleAlertDocs(): EcsEvent[] {
  if (cached) return cached;
  const text = readFileSync(new URL('../../../examples/auth.log', import.meta.url), 'utf8');
  const parser = new LineParser(() => Date.parse('2026-11-26T09:00:00Z'));
  const events = text
    .split('\n')
    .filter((l) => l !== '')
    .map((message) => parser.parse({ message, receivedAt: Date.now() }));
  const engine = new DetectionEngine({ rules: loadRuleSet([]) });
  engine.process(events);
  cached = engine.takeQueued();
  if (cached.length === 0) throw new Error('the shipped rules raised no alert over examples/auth.log');
  return cached;
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A TriagedAlert for a copy of `doc`, optionally about another source address and with other fields. */
export function triaged(doc: EcsEvent, over: Partial<TriagedAlert> & { sourceIp?: string } = {}): TriagedAlert {
  const d = structuredClone(doc);
  const id = over.id ?? randomUUID();
  setPath(d, 'event.id', id);
  if (over.sourceIp !== undefined) {
    setPath(d, 'vigil.alert.group.source.ip', over.sourceIp);
    setPath(d, F.message, `${String(getPath(d, F.ruleName))} (source.ip=${over.sourceIp})`);
  }
  const src = strings(getPath(d, 'vigil.alert.group.source.ip'));
  const evidence = getPath(d, 'vigil.alert.evidence');
  const users = new Set<string>();
  const hosts = new Set<string>();
  if (Array.isArray(evidence)) {
    for (const e of evidence as EcsEvent[]) {
      for (const u of strings(getPath(e, F.userName))) users.add(u);
      for (const h of strings(getPath(e, F.hostName))) hosts.add(h);
    }
  }
  const severity = Number(getPath(d, F.eventSeverity));
  const t = String(getPath(d, F.timestamp));
  const rest: Partial<TriagedAlert> & { sourceIp?: string } = { ...over };
  delete rest.sourceIp;
  return {
    id,
    ruleId: String(getPath(d, F.ruleId)),
    ruleName: String(getPath(d, F.ruleName)),
    level: String(getPath(d, 'vigil.alert.level')),
    severity,
    riskScore: Number(getPath(d, F.eventRiskScore)),
    status: 'open',
    entities: { sourceIp: src, destinationIp: [], userName: [...users].slice(0, 16), hostName: [...hosts].slice(0, 16) },
    count: 1,
    firstSeen: t,
    lastSeen: t,
    buildingBlock: false,
    techniques: strings(getPath(d, 'threat.technique.id')),
    doc: d,
    ...rest,
  };
}

/** The brute-force alert of examples/auth.log (medium, attack.t1110, from 203.0.113.45). */
export function bruteForceDoc(): EcsEvent {
  const doc = exampleAlertDocs().find((d) => getPath(d, F.ruleName) === 'SSH brute force from one address');
  if (!doc) throw new Error('no brute-force alert over examples/auth.log');
  return doc;
}
