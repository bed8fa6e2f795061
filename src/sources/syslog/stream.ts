import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Source } from '../../core/component.js';
import { VigilError } from '../../core/errors.js';
import type { ComponentTelemetry } from '../../core/telemetry.js';
import type { SourceContext } from '../context.js';
import { errorCode, errorText, hostPort, RateLimitedLog } from './common.js';
import type { SyslogConfig } from './config.js';
import { Connection } from './connection.js';
import type { FramingStats } from './framing.js';
import { issueNoTickets } from './no-tickets.js';

/** how long stop() waits for the listening socket to close once every connection is gone */
const CLOSE_WAIT_MS = 5000;

/**
 * Syslog over TCP (RFC 6587) or TLS (RFC 5425): a listener that hands each connection to a Connection, refuses
 * connections beyond max_connections, drops TLS clients that do not finish their handshake in time, and counts all
 * of it. One bad connection only ever closes itself.
 */
export class SyslogStreamSource implements Source {
  readonly id: string;
  private server: Server | undefined;
  private listening = '';
  private readonly conns = new Set<Connection>();
  /** TCP connections open (for TLS, also those still in their handshake) */
  private readonly raw = new Set<Socket>();
  private accepted = 0;
  private refused = 0;
  private idleClosed = 0;
  private pauses = 0;
  private handshakeFailures = 0;
  private handshakeTimeouts = 0;
  private readonly stats: FramingStats & { lastAt: number } = { frames: 0, octetFrames: 0, lineFrames: 0, truncated: 0, fallbacks: 0, miscounted: 0, lastAt: 0 };
  private readonly tel: ComponentTelemetry;
  private readonly errLog: RateLimitedLog;

  constructor(
    private readonly kind: 'tcp' | 'tls',
    private readonly config: SyslogConfig,
    private readonly ctx: SourceContext,
  ) {
    this.id = `syslog_${kind}`;
    this.tel = ctx.telemetry.component(this.id, 'source');
    this.errLog = new RateLimitedLog((m) => ctx.log(m), this.id);
  }

  private host(): string {
    return this.kind === 'tls' ? (this.config.tls.host ?? this.config.host) : this.config.host;
  }

  private makeServer(): Server {
    if (this.kind === 'tcp') {
      const server = createServer();
      server.on('connection', (socket: Socket) => {
        this.opened(socket);
        this.accept(socket);
      });
      return server;
    }
    const t = this.config.tls;
    const read = (what: string, path: string): Buffer => {
      try {
        return readFileSync(path);
      } catch (err) {
        throw new VigilError('VIGIL_ERR_CONFIG', `syslog.tls.${what}: cannot read ${path}: ${errorText(err)}`);
      }
    };
    const server = createTlsServer({
      cert: read('cert', t.cert ?? ''),
      key: read('key', t.key ?? ''),
      ...(t.ca !== undefined ? { ca: read('ca', t.ca) } : {}),
      requestCert: t.client_auth !== 'none',
      rejectUnauthorized: t.client_auth === 'required',
      minVersion: t.min_version,
      maxVersion: t.max_version,
      handshakeTimeout: Math.round(this.config.handshake_timeout_seconds * 1000),
    });
    if (!issueNoTickets(server)) this.ctx.log(`${this.id}: this Node cannot stop TLS session tickets; a TLS 1.3 sender that never reads may lose its last messages at close (syslog.tls.max_version: TLSv1.2 avoids it)`);
    // raw TCP connections, before their handshake
    server.on('connection', (socket: Socket) => this.opened(socket));
    server.on('secureConnection', (socket: TLSSocket) => {
      // client_auth optional: no certificate is fine, a certificate that does not verify is not
      if (t.client_auth === 'optional' && !socket.authorized && Object.keys(socket.getPeerCertificate() ?? {}).length > 0) {
        this.handshakeFailures++;
        this.tel.error('client_cert_invalid', 'tls_handshake');
        this.errLog.write(`client certificate of ${socket.remoteAddress ?? '?'} refused: ${errorText(socket.authorizationError)}`);
        socket.destroy();
        return;
      }
      this.accept(socket);
    });
    server.on('tlsClientError', (err, socket) => {
      const code = errorCode(err);
      if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') this.handshakeTimeouts++;
      else this.handshakeFailures++;
      this.tel.error(code, 'tls_handshake');
      this.errLog.write(`TLS handshake with ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'} failed: ${errorText(err)}`);
      socket.destroy();
    });
    return server;
  }

  async start(): Promise<void> {
    const server = this.makeServer();
    server.maxConnections = this.config.max_connections;
    server.on('drop', (info) => {
      this.refused++;
      this.tel.error('max_connections', 'accept');
      this.errLog.write(`refused a connection from ${info?.remoteAddress ?? '?'}: ${this.config.max_connections} connections open (max_connections)`);
    });
    server.on('error', (err) => {
      this.tel.error(errorCode(err), 'listen');
      this.errLog.write(`listener error: ${errorText(err)}`);
    });
    const host = this.host();
    const port = this.kind === 'tls' ? this.config.tls.port : this.config.port;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, backlog: 4096 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address();
    this.listening = hostPort(host, typeof addr === 'object' && addr ? addr.port : port);
    this.ctx.log(`syslog listening on ${this.kind} ${this.listening}`);
  }

  private opened(socket: Socket): void {
    this.raw.add(socket);
    socket.once('close', () => this.raw.delete(socket));
  }

  private accept(socket: Socket): void {
    this.accepted++;
    const conn = new Connection(socket, {
      id: this.id,
      pipeline: this.ctx.pipeline,
      tel: this.tel,
      errLog: this.errLog,
      maxMessageBytes: this.config.max_message_bytes,
      idleTimeoutMs: Math.round(this.config.idle_timeout_seconds * 1000),
      stats: this.stats,
      onIdleClose: () => {
        this.idleClosed++;
        this.tel.error('idle_timeout', 'read');
      },
      onPause: () => this.pauses++,
      onGone: (c) => this.conns.delete(c),
    });
    this.conns.add(conn);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...this.conns].map((c) => c.shutdown()));
    // what is left are TLS clients still in their handshake: nothing of theirs was accepted yet
    for (const s of this.raw) s.destroy();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  health(): Record<string, unknown> {
    return {
      listening: this.listening,
      connections: this.raw.size,
      accepted: this.accepted,
      refused: this.refused,
      idle_closed: this.idleClosed,
      backpressure_pauses: this.pauses,
      ...(this.kind === 'tls' ? { handshake_failures: this.handshakeFailures, handshake_timeouts: this.handshakeTimeouts } : {}),
      messages: this.stats.frames,
      truncated: this.stats.truncated,
      octet_count_invalid: this.stats.fallbacks,
      octet_count_short: this.stats.miscounted,
      ...(this.stats.lastAt > 0 ? { last_message_at: new Date(this.stats.lastAt).toISOString() } : {}),
    };
  }
}
