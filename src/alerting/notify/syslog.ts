import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { VERSION } from '../../version.js';
import { cefHeader, cefValue, octetFrame, rfc5424, syslogSeverity, toCef } from './cef.js';
import type { SyslogChannelConfig } from './config.js';
import { digestLine, messageJson, type Message, type Transport } from './message.js';

const MAX_UDP = 65_000;

/** The syslog message for one notification: CEF or JSON inside an RFC 5424 frame. */
export function syslogMessage(c: Pick<SyslogChannelConfig, 'format' | 'facility' | 'app_name'>, m: Message, now: number): string {
  let body: string;
  let severity: number;
  if (m.kind === 'digest') {
    severity = 5;
    body =
      c.format === 'cef'
        ? `CEF:0|Vigil|Vigil|${cefHeader(VERSION)}|vigil-digest|Rate-limited alerts|5|cnt=${m.digest.count} msg=${cefValue(digestLine(m.digest))}`
        : JSON.stringify(messageJson(m));
  } else {
    severity = syslogSeverity(m.alert.level);
    body = c.format === 'cef' ? toCef(m.alert, m.change) : JSON.stringify(messageJson(m));
  }
  return rfc5424(body, { facility: c.facility, severity, appName: c.app_name, msgId: m.kind === 'digest' ? 'digest' : 'alert', time: now });
}

/** Forwards alerts to another SIEM over UDP, TCP or TLS (one connection, reopened when it drops). */
export function syslogTransport(c: SyslogChannelConfig): Transport {
  const timeout = c.timeout_seconds * 1000;
  let udp: UdpSocket | undefined;
  let stream: Socket | undefined;
  let connecting: Promise<Socket> | undefined;

  const open = (): Promise<Socket> => {
    if (stream && !stream.destroyed && stream.writable) return Promise.resolve(stream);
    connecting ??= new Promise<Socket>((resolve, reject) => {
      const ready = c.transport === 'tls' ? 'secureConnect' : 'connect';
      const s: Socket =
        c.transport === 'tls'
          ? tlsConnect({ host: c.host, port: c.port, ...(isIP(c.host) === 0 ? { servername: c.host } : {}), ...(c.ca !== undefined ? { ca: readFileSync(c.ca) } : {}) })
          : netConnect({ host: c.host, port: c.port });
      const timer = setTimeout(() => s.destroy(new Error(`connect timeout after ${timeout} ms`)), timeout);
      s.once(ready, () => {
        clearTimeout(timer);
        stream = s;
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      s.on('close', () => {
        if (stream === s) stream = undefined;
      });
      // a collector may answer; nothing it says is read
      s.on('data', () => {});
    }).finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  return {
    async send(m: Message): Promise<void> {
      const msg = syslogMessage(c, m, Date.now());
      if (c.transport === 'udp') {
        let buf = Buffer.from(msg, 'utf8');
        if (buf.length > MAX_UDP) buf = buf.subarray(0, MAX_UDP);
        udp ??= createSocket(isIP(c.host) === 6 ? 'udp6' : 'udp4');
        const sock = udp;
        await new Promise<void>((resolve, reject) => sock.send(buf, c.port, c.host, (err) => (err ? reject(err) : resolve())));
        return;
      }
      const s = await open();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          s.destroy();
          reject(new Error(`write timeout after ${timeout} ms`));
        }, timeout);
        s.write(octetFrame(msg), (err) => {
          clearTimeout(timer);
          if (err) {
            s.destroy();
            reject(err);
          } else resolve();
        });
      });
    },
    close: async () => {
      udp?.close();
      udp = undefined;
      if (stream) await new Promise<void>((resolve) => stream?.end(resolve) ?? resolve());
      stream?.destroy();
      stream = undefined;
    },
  };
}
