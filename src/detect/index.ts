export type { DetectionAlert, EventMatcher, RuleLocation, RuleMatch, RuleMeta, RuleProblem } from './types.js';
export { DetectionEngine, eventField, type AlertSink, type EngineOptions, type RuleStatus } from './engine.js';
export { alertDocument, ensureEventId, evidenceOf, SEVERITY, tacticNames, techniqueIds, type AlertInput } from './alerts.js';
export { getAlert, listAlerts, type AlertList, type AlertQuery } from './alert-list.js';
export { emittingRules, loadRuleSet, ruleFiles, SHIPPED_RULES_DIR, TESTS_SUFFIX, type RuleSet, type RuleSetOptions } from './ruleset.js';
export { runRuleTests, testFileFor, testRuleWithEvents, type AdHocResult, type TestReport, type TestResult } from './rule-tests.js';
export { loadState, saveStateSliced, statePath } from './state.js';
