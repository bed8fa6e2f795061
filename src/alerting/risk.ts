/*
 * The risk score of an alert (0–100), documented in docs/alerting.md:
 *
 *   risk = clamp(round(severity × asset_factor × confidence × history_factor), 1, 100)
 *
 *   severity       event.severity from the rule level (informational 10, low 25, medium 50, high 75, critical 100)
 *   asset_factor   0.5 + 0.25 × (c − 1), c = the highest criticality (1–5) among every asset involved (source,
 *                  destination, host, user, service); 3 when no asset is known: lab 0.5, unknown 1.0, crown jewel 1.5
 *   confidence     from the rule's Sigma status: stable 1.0, test 0.95, experimental 0.9, deprecated/unsupported 0.7,
 *                  unknown 0.9
 *   history_factor 1 + 0.1 × min(n, 5), n = alerts about the same entities within the risk window before this one
 */

export const NEUTRAL_CRITICALITY = 3;

export interface RiskInput {
  severity: number;
  /** criticality of every asset involved */
  criticalities: readonly number[];
  /** the rule's Sigma status, if known */
  status?: string | undefined;
  /** earlier alerts about the same entities within the risk window */
  recentAlerts: number;
}

export function assetFactor(criticalities: readonly number[]): number {
  const c = criticalities.length > 0 ? Math.max(...criticalities.slice(0, 1000)) : NEUTRAL_CRITICALITY;
  const clamped = Math.min(5, Math.max(1, Number.isFinite(c) ? c : NEUTRAL_CRITICALITY));
  return 0.5 + 0.25 * (clamped - 1);
}

export function confidence(status: string | undefined): number {
  switch (status) {
    case 'stable':
      return 1;
    case 'test':
      return 0.95;
    case 'deprecated':
    case 'unsupported':
      return 0.7;
    default:
      return 0.9;
  }
}

export function historyFactor(recent: number): number {
  return 1 + 0.1 * Math.min(5, Math.max(0, Math.floor(recent)));
}

export function riskScore(r: RiskInput): number {
  const sev = Number.isFinite(r.severity) ? Math.min(100, Math.max(0, r.severity)) : 50;
  const v = Math.round(sev * assetFactor(r.criticalities) * confidence(r.status) * historyFactor(r.recentAlerts));
  return Math.min(100, Math.max(1, v));
}
