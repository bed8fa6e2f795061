import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assetFactor, historyFactor, riskScore } from './risk.js';

test('asset criticality moves the score: lab < unknown < crown jewel; the most critical asset involved counts', () => {
  const base = { severity: 50, status: 'stable', recentAlerts: 0 };
  assert.equal(riskScore({ ...base, criticalities: [1] }), 25);
  assert.equal(riskScore({ ...base, criticalities: [] }), 50);
  assert.equal(riskScore({ ...base, criticalities: [5] }), 75);
  assert.equal(riskScore({ ...base, criticalities: [1, 5, 2] }), 75);
  assert.equal(assetFactor([9]), 1.5, 'out-of-range criticality is clamped');
});

test('confidence from the rule status and history of the entity; bounded 1..100', () => {
  assert.equal(riskScore({ severity: 50, criticalities: [], status: 'experimental', recentAlerts: 0 }), 45);
  assert.equal(riskScore({ severity: 50, criticalities: [], status: 'deprecated', recentAlerts: 0 }), 35);
  assert.equal(riskScore({ severity: 50, criticalities: [], status: 'stable', recentAlerts: 3 }), 65);
  assert.equal(historyFactor(1000), 1.5);
  assert.equal(riskScore({ severity: 100, criticalities: [5], status: 'stable', recentAlerts: 5 }), 100);
  assert.equal(riskScore({ severity: 0, criticalities: [1], status: 'stable', recentAlerts: 0 }), 1);
  assert.equal(riskScore({ severity: Number.NaN, criticalities: [], status: 'stable', recentAlerts: 0 }), 50);
});
