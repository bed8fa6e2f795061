export { NotifyConfigSchema, type NotifyConfig, type ChannelConfig } from './config.js';
export { Notifier, type NotifierOptions } from './notifier.js';
export type { DeliveryView, DeliveryStatus } from './deliveries.js';
export { signature } from './webhook.js';
