export { AnomalyDetector, fingerprint, type AnomalySnapshot } from './detector.js';
export { ewmaUpdate, ewmaZeros, isSpike, newEwma, spikeThreshold, type Ewma, type Thresholds } from './ewma.js';
export { claimKey, loadAnomalyFiles, loadAnomalyText, parseAnomalyRule, parseDuration, parseMetric, type AnomalyLoadResult } from './load.js';
export type { AnomalyRule, BaselineRule, Metric, SilenceRule } from './model.js';
export { AnomalyRunner, type RunnerOptions } from './runner.js';
export { anomalyStatePath, loadAnomalyState, saveAnomalyStateSliced } from './state.js';
