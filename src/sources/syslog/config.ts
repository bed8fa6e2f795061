import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

/** The syslog source's configuration (UDP, TCP, TLS). */
export const SyslogConfigSchema = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1').describe('address syslog listens on, UDP and TCP'),
    port: port.default(5514).describe('syslog port (UDP and TCP)'),
  })
  .prefault({});

export type SyslogConfig = z.infer<typeof SyslogConfigSchema>;
