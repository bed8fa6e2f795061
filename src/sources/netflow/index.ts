import type { Source } from '../../core/component.js';
import type { SourceContext } from '../context.js';
import type { NetflowConfig } from './config.js';
import { NetflowUdpSource, type NetflowLimits } from './udp.js';

export { NetflowConfigSchema, type NetflowConfig } from './config.js';
export { NetflowUdpSource } from './udp.js';

/** The NetFlow v5 / v9 / IPFIX collector (`netflow`), unless the config turns it off. */
export function buildNetflowSources(config: NetflowConfig, internalNetworks: readonly string[], ctx: SourceContext, limits: NetflowLimits = {}): Source[] {
  return config.enabled ? [new NetflowUdpSource(config, internalNetworks, ctx, limits)] : [];
}
