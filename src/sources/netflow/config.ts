import { z } from 'zod';
import { udpReceiveBufferBytes } from '../syslog/config.js';

/** The NetFlow v5 / v9 / IPFIX collector's configuration (UDP). */
export const NetflowConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('run the NetFlow/IPFIX collector'),
    host: z.string().min(1).default('127.0.0.1').describe('address the NetFlow/IPFIX collector listens on (IPv4 or IPv6, e.g. `::1`)'),
    port: z.number().int().min(0).max(65535).default(2055).describe('NetFlow/IPFIX UDP port; 0 = any free port'),
    udp_receive_buffer_bytes: udpReceiveBufferBytes,
    max_templates_per_exporter: z
      .number()
      .int()
      .min(1)
      .max(65536)
      .default(512)
      .describe('templates kept per exporter address; beyond it the least recently refreshed one is evicted (counted)'),
    max_exporters: z.number().int().min(1).max(100_000).default(1000).describe('exporter addresses whose templates are kept; beyond it the least recently heard one is forgotten (counted)'),
    pending_timeout_seconds: z
      .number()
      .min(0)
      .max(3600)
      .default(30)
      .describe('data sets whose template has not arrived wait this long, then are dropped with reason `no_template`'),
    max_pending_sets: z.number().int().min(0).max(1_000_000).default(1024).describe('data sets waiting for their template at most (all exporters); the oldest is dropped beyond it'),
  })
  .prefault({});

export type NetflowConfig = z.infer<typeof NetflowConfigSchema>;
