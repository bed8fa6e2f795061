import type { Source } from '../../core/component.js';
import type { SourceContext } from '../context.js';
import type { SyslogConfig } from './config.js';
import { SyslogStreamSource } from './stream.js';
import { SyslogUdpSource, type UdpLimits } from './udp.js';

export { SyslogConfigSchema, type SyslogConfig } from './config.js';

/** The syslog listeners the config asks for: `syslog_udp`, `syslog_tcp`, `syslog_tls` (when a certificate is set). */
export function buildSyslogSources(config: SyslogConfig, ctx: SourceContext, udpLimits: UdpLimits = {}): Source[] {
  const out: Source[] = [];
  if (config.udp) out.push(new SyslogUdpSource(config, ctx, udpLimits));
  if (config.tcp) out.push(new SyslogStreamSource('tcp', config, ctx));
  if (config.tls.cert !== undefined && config.tls.key !== undefined) out.push(new SyslogStreamSource('tls', config, ctx));
  return out;
}
