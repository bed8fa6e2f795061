import type { Source } from '../core/component.js';
import type { Config } from '../core/config.js';
import type { SourceContext } from './context.js';
import { buildFileSources } from './file/index.js';
import { buildNetflowSources } from './netflow/index.js';
import { buildSyslogSources } from './syslog/index.js';

export type { SourceContext } from './context.js';

/** Every source the config names, in a static list (HTTP ingest is part of the API server). */
export function buildSources(config: Config, ctx: SourceContext): Source[] {
  return [...buildSyslogSources(config.syslog, ctx), ...buildFileSources(config.files, ctx), ...buildNetflowSources(config.netflow, config.internal_networks, ctx)];
}
