import type { Source } from '../../core/component.js';
import type { SourceContext } from '../context.js';
import type { SyslogConfig } from './config.js';

export { SyslogConfigSchema, type SyslogConfig } from './config.js';

/** The syslog listeners the config asks for. */
export function buildSyslogSources(_config: SyslogConfig, _ctx: SourceContext): Source[] {
  return [];
}
