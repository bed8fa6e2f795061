import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

const TlsVersion = z.enum(['TLSv1.2', 'TLSv1.3']);

const TlsSchema = z
  .strictObject({
    host: z.string().min(1).optional().describe('address the TLS listener binds (default: `syslog.host`)'),
    port: port.default(6514).describe('syslog over TLS port (RFC 5425); 0 = any free port'),
    cert: z.string().min(1).optional().describe('server certificate (PEM file); TLS is on when `cert` and `key` are set'),
    key: z.string().min(1).optional().describe('private key of the certificate (PEM file)'),
    ca: z.string().min(1).optional().describe('CA certificates (PEM file) that client certificates are verified against'),
    client_auth: z
      .enum(['none', 'optional', 'required'])
      .default('none')
      .describe('client certificates: not asked for, asked for and verified when sent, or required'),
    min_version: TlsVersion.default('TLSv1.2').describe('oldest TLS version accepted'),
    max_version: TlsVersion.default('TLSv1.3').describe('newest TLS version offered'),
  })
  .superRefine((t, ctx) => {
    if (t.min_version === 'TLSv1.3' && t.max_version === 'TLSv1.2') ctx.addIssue({ code: 'custom', path: ['min_version'], message: 'is newer than tls.max_version' });
    if (t.cert !== undefined && t.key === undefined) ctx.addIssue({ code: 'custom', path: ['key'], message: 'required when tls.cert is set' });
    if (t.key !== undefined && t.cert === undefined) ctx.addIssue({ code: 'custom', path: ['cert'], message: 'required when tls.key is set' });
  })
  .prefault({});

/** The syslog source's configuration (UDP, TCP, TLS). */
/** The UDP receive buffer setting, shared by every UDP listener (syslog, NetFlow). */
export const udpReceiveBufferBytes = z
  .number()
  .int()
  .min(0)
  .max(1024 * 1024 * 1024)
  .default(8388608)
  .describe('UDP socket receive buffer asked for (the kernel caps it at net.core.rmem_max); 0 = the system default');

export const SyslogConfigSchema = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1').describe('address syslog listens on, UDP and TCP (IPv4 or IPv6, e.g. `::1`)'),
    port: port.default(5514).describe('syslog port (UDP and TCP); 0 = any free port'),
    udp: z.boolean().default(true).describe('listen on UDP'),
    tcp: z.boolean().default(true).describe('listen on TCP (RFC 6587 octet counting or LF/CRLF/NUL-terminated lines)'),
    tls: TlsSchema,
    max_message_bytes: z
      .number()
      .int()
      .min(64)
      .max(16 * 1024 * 1024)
      .default(65536)
      .describe('longer messages are truncated to this and tagged `_truncated`, never dropped'),
    max_connections: z.number().int().min(1).max(1_000_000).default(15000).describe('connections open at once on the TCP listener (and as many on the TLS one); beyond it new ones are refused and counted'),
    idle_timeout_seconds: z.number().positive().max(86_400).default(300).describe('a connection that sends nothing for this long is closed (also half-open ones)'),
    handshake_timeout_seconds: z.number().positive().max(600).default(10).describe('a TLS client that has not finished its handshake by then is dropped'),
    udp_receive_buffer_bytes: udpReceiveBufferBytes,
  })
  .prefault({});

export type SyslogConfig = z.infer<typeof SyslogConfigSchema>;
export type SyslogTlsConfig = SyslogConfig['tls'];
