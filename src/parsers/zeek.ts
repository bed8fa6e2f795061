import { isObject, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { child, count, expandJson, ip, J, parseJsonLine, port, put, releaseJsonLine, resolvedIps, setTimestamp, setTraffic, str, tlsVersion, type Json } from './json-fields.js';

/**
 * Zeek logs written as JSON (`LogAscii::use_json`): conn, dns, http, ssl, ssh, notice, and any other log with the
 * connection 4-tuple. The log is `_path` when present, else guessed from its characteristic fields. The record's
 * fields are kept under `zeek.<path>` (dotted names such as `id.orig_h` nested); dataset `zeek.<path>`.
 */

export const ZEEK_FIELDS = {
  connectionState: 'zeek.connection.state',
  sshAuthSuccess: 'zeek.ssh.auth_success',
} as const;

const PATH_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/** The log a record belongs to: `_path`, else guessed from fields; undefined when it is not a Zeek record. */
export function zeekPath(obj: Json): string | undefined {
  const given = str(child(obj, '_path'), 64);
  const has = (k: string): boolean => Object.hasOwn(obj, k);
  const ts = child(obj, 'ts');
  if (typeof ts !== 'number' && typeof ts !== 'string') return undefined;
  const tuple = has('id.orig_h') || isObject(child(obj, 'id'));
  if (given !== undefined) return PATH_NAME.test(given) ? given : 'unknown';
  if (has('note') && (has('msg') || has('src') || tuple)) return 'notice';
  if (!tuple || !has('uid')) return undefined;
  if (has('conn_state') || has('history') || has('orig_bytes') || has('orig_pkts')) return 'conn';
  if (has('query') || has('qtype_name') || has('rcode_name') || has('trans_id')) return 'dns';
  if (has('method') || has('uri') || has('status_code') || has('user_agent')) return 'http';
  if (has('auth_success') || has('auth_attempts') || has('host_key')) return 'ssh';
  if (has('server_name') || has('cipher') || has('established') || has('ssl_history')) return 'ssl';
  return 'unknown';
}

/** Maps a Zeek JSON record onto `event`; false (nothing set) when `obj` is not one. */
export function mapZeek(obj: Json, event: EcsEvent): boolean {
  const path = zeekPath(obj);
  if (path === undefined) return false;
  const z = expandJson(obj);
  const id = child(z, 'id');
  setTimestamp(event, z['ts']);
  setPath(event, F.eventDataset, `zeek.${path}`);
  setPath(event, ['zeek', path].join('.'), z);
  setPath(event, F.eventKind, 'event');
  put(event, F.sourceIp, ip(child(id, 'orig_h')) ?? ip(child(z, 'src')));
  put(event, F.sourcePort, port(child(id, 'orig_p')));
  put(event, F.destinationIp, ip(child(id, 'resp_h')) ?? ip(child(z, 'dst')));
  put(event, F.destinationPort, port(child(id, 'resp_p')) ?? port(child(z, 'p')));
  const proto = str(child(z, 'proto'), 16);
  if (proto !== undefined) setPath(event, F.networkTransport, proto.toLowerCase());
  put(event, J.networkCommunityId, str(child(z, 'community_id'), 128));
  put(event, J.eventId, str(child(z, 'uid'), 64));
  const category: string[] = ['network'];

  switch (path) {
    case 'conn': {
      const service = str(child(z, 'service'), 64);
      if (service !== undefined) setPath(event, J.networkProtocol, service.toLowerCase());
      const duration = child(z, 'duration');
      if (typeof duration === 'number' && Number.isFinite(duration) && duration >= 0) setPath(event, J.eventDuration, Math.round(duration * 1e9));
      setTraffic(event, child(z, 'orig_bytes'), child(z, 'resp_bytes'), child(z, 'orig_pkts'), child(z, 'resp_pkts'));
      put(event, ZEEK_FIELDS.connectionState, str(child(z, 'conn_state'), 16));
      setPath(event, F.eventType, ['connection']);
      break;
    }
    case 'dns': {
      setPath(event, J.networkProtocol, 'dns');
      put(event, J.dnsQuestionName, str(child(z, 'query'), 1024));
      put(event, J.dnsQuestionType, str(child(z, 'qtype_name'), 32));
      put(event, J.dnsQuestionClass, str(child(z, 'qclass_name'), 32));
      put(event, J.dnsResponseCode, str(child(z, 'rcode_name'), 32));
      put(event, J.dnsId, count(child(z, 'trans_id'))?.toString());
      put(event, J.dnsResolvedIp, resolvedIps(child(z, 'answers')));
      setPath(event, F.eventType, ['protocol']);
      break;
    }
    case 'http': {
      setPath(event, J.networkProtocol, 'http');
      category.push('web');
      put(event, F.urlOriginal, str(child(z, 'uri')));
      put(event, F.urlDomain, str(child(z, 'host'), 255));
      put(event, F.httpRequestMethod, str(child(z, 'method'), 32));
      put(event, F.httpResponseStatusCode, count(child(z, 'status_code')));
      put(event, F.userAgentOriginal, str(child(z, 'user_agent')));
      put(event, F.httpRequestReferrer, str(child(z, 'referrer')));
      put(event, F.httpVersion, str(child(z, 'version'), 16));
      put(event, J.httpRequestBodyBytes, count(child(z, 'request_body_len')));
      put(event, F.httpResponseBodyBytes, count(child(z, 'response_body_len')));
      put(event, F.userName, str(child(z, 'username'), 256));
      setPath(event, F.eventType, ['protocol']);
      break;
    }
    case 'ssl': {
      setPath(event, J.networkProtocol, 'tls');
      put(event, J.tlsClientServerName, str(child(z, 'server_name'), 255));
      const v = tlsVersion(child(z, 'version'));
      if (v) {
        setPath(event, J.tlsVersion, v.version);
        setPath(event, J.tlsVersionProtocol, v.protocol);
      }
      put(event, J.tlsCipher, str(child(z, 'cipher'), 128));
      const established = child(z, 'established');
      if (typeof established === 'boolean') setPath(event, J.tlsEstablished, established);
      const resumed = child(z, 'resumed');
      if (typeof resumed === 'boolean') setPath(event, J.tlsResumed, resumed);
      put(event, J.tlsServerSubject, str(child(z, 'subject'), 2048));
      put(event, J.tlsServerIssuer, str(child(z, 'issuer'), 2048));
      setPath(event, F.eventType, ['protocol']);
      break;
    }
    case 'ssh': {
      setPath(event, J.networkProtocol, 'ssh');
      put(event, J.sshClientSoftware, str(child(z, 'client'), 256));
      put(event, J.sshServerSoftware, str(child(z, 'server'), 256));
      const ok = child(z, 'auth_success');
      if (typeof ok === 'boolean') {
        category.push('authentication');
        setPath(event, ZEEK_FIELDS.sshAuthSuccess, ok);
        setPath(event, F.eventAction, ok ? 'ssh_login' : 'ssh_login_failed');
        setPath(event, F.eventOutcome, ok ? 'success' : 'failure');
        setPath(event, F.eventType, ['start']);
      } else setPath(event, F.eventType, ['protocol']);
      break;
    }
    case 'notice': {
      setPath(event, F.eventKind, 'alert');
      category.push('intrusion_detection');
      const note = str(child(z, 'note'), 256);
      put(event, F.ruleName, note);
      put(event, F.eventAction, note);
      put(event, F.message, str(child(z, 'msg')));
      setPath(event, F.eventType, ['info']);
      break;
    }
    default:
      break;
  }
  setPath(event, F.eventCategory, category);
  return true;
}

/** `zeek`: Zeek JSON lines only (the `json` format also routes them here). The dataset is `zeek.<path>`. */
class ZeekFormat implements LineFormat {
  readonly name = 'zeek';
  /** parse sets `zeek.<path>` of each line itself */
  readonly dataset = 'zeek';
  sniff(line: string): boolean {
    return line.trimStart().startsWith('{') && (line.includes('"id.orig_h"') || line.includes('"_path"') || line.includes('"note"'));
  }
  parse(line: string, event: EcsEvent): boolean {
    const obj = parseJsonLine(line);
    if (!obj || !mapZeek(obj, event)) return false;
    releaseJsonLine();
    return true;
  }
}

export const zeekFormat: LineFormat = new ZeekFormat();
