export { NetflowDecoder } from './decoder.js';
export { flowToEcs, tcpFlagNames } from './ecs.js';
export { DEFAULT_LIMITS, type DecoderLimits, type DecoderStats, type DropReason, type FlowRecord } from './types.js';
