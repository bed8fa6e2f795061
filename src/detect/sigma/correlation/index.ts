export { CORRELATION_TYPES, CONDITION_OPS, testCriteria, describeCriteria, type CorrelationRule, type CorrelationType, type Criterion, type ConditionOp } from './model.js';
export { parseCorrelation, parseCorrelations, parseTimespan, MAX_TIMESPAN_MS } from './parse.js';
export { Correlator, DEFAULTS as CORRELATOR_DEFAULTS, groupValue, type CorrelatorOptions, type CorrelatorSnapshot, type Firing, type FieldReader, type SavedGroup } from './correlator.js';
export type { EvidenceRef } from './window.js';
