export { ResponseConfigSchema, type ResponseConfig, type ActionConfig } from './config.js';
export { Responder, type ResponderOptions } from './responder.js';
export type { ActionView, BlockView } from './audit.js';
