import { isObject, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { child, count, ip, J, parseJsonLine, port, put, releaseJsonLine, resolvedIps, setTimestamp, setTraffic, str, tlsVersion, type Json } from './json-fields.js';

/**
 * Suricata EVE JSON (one event per line): alert, flow, dns, http, tls, ssh, fileinfo, anomaly (and stats as a
 * metric). The EVE object is kept whole under `suricata.eve`; ECS fields are set beside it.
 */

export const SURICATA_DATASET = 'suricata.eve';

/** Suricata alert severity (1 = high … 3 = low) on the 0–100 scale of event.severity. */
export const SURICATA_SEVERITY: Readonly<Record<number, number>> = { 1: 73, 2: 47, 3: 21 };

const EVENT_TYPES = new Set(['alert', 'flow', 'netflow', 'dns', 'http', 'tls', 'ssh', 'fileinfo', 'anomaly', 'stats', 'drop', 'smtp', 'ftp', 'smb', 'dhcp', 'krb5', 'nfs', 'tftp', 'rdp', 'sip', 'snmp', 'mqtt', 'http2', 'quic', 'ike', 'dcerpc', 'rfb', 'pgsql', 'dnp3', 'modbus', 'ftp_data', 'bittorrent-dht', 'websocket', 'arp', 'frame']);

/** True when `obj` has the shape of an EVE record: a known `event_type` and a `timestamp`. */
export function isSuricataEve(obj: Json): boolean {
  const t = child(obj, 'event_type');
  return typeof t === 'string' && EVENT_TYPES.has(t) && typeof child(obj, 'timestamp') === 'string';
}

/** Maps an EVE record onto `event`; false (nothing set) when `obj` is not one. */
export function mapSuricataEve(obj: Json, event: EcsEvent): boolean {
  if (!isSuricataEve(obj)) return false;
  const type = obj['event_type'] as string;
  setTimestamp(event, obj['timestamp']);
  setPath(event, F.eventDataset, SURICATA_DATASET);
  setPath(event, 'suricata.eve', obj);
  if (type === 'stats') {
    setPath(event, F.eventKind, 'metric');
    return true;
  }
  const srcIp = ip(child(obj, 'src_ip'));
  const dstIp = ip(child(obj, 'dest_ip'));
  put(event, F.sourceIp, srcIp);
  put(event, F.sourcePort, port(child(obj, 'src_port')));
  put(event, F.destinationIp, dstIp);
  put(event, F.destinationPort, port(child(obj, 'dest_port')));
  const proto = str(child(obj, 'proto'), 32);
  if (proto !== undefined) setPath(event, F.networkTransport, proto.toLowerCase());
  put(event, J.networkCommunityId, str(child(obj, 'community_id'), 128));
  const app = str(child(obj, 'app_proto'), 32);
  if (app !== undefined && app !== 'failed') setPath(event, J.networkProtocol, app.toLowerCase());
  put(event, J.observerIngressInterface, str(child(obj, 'in_iface'), 256));
  put(event, F.observerHostname, str(child(obj, 'host'), 255));

  const flow = child(obj, 'flow');
  if (isObject(flow)) {
    setTraffic(event, flow['bytes_toserver'], flow['bytes_toclient'], flow['pkts_toserver'], flow['pkts_toclient']);
    setTimestampField(event, J.eventStart, flow['start']);
    setTimestampField(event, J.eventEnd, flow['end']);
  }
  const netflow = child(obj, 'netflow');
  if (type === 'netflow' && isObject(netflow)) {
    // a netflow record is one direction: its bytes are the source's
    setTraffic(event, netflow['bytes'], undefined, netflow['pkts'], undefined);
    setTimestampField(event, J.eventStart, netflow['start']);
    setTimestampField(event, J.eventEnd, netflow['end']);
  }

  const category: string[] = ['network'];
  const alert = child(obj, 'alert');
  if ((type === 'alert' || type === 'drop') && isObject(alert)) {
    setPath(event, F.eventKind, 'alert');
    category.push('intrusion_detection');
    put(event, F.ruleId, count(alert['signature_id'])?.toString());
    const signature = str(alert['signature']);
    put(event, F.ruleName, signature);
    put(event, J.ruleCategory, str(alert['category']));
    put(event, F.message, signature);
    const sev = count(alert['severity']);
    if (sev !== undefined && sev > 0) setPath(event, F.eventSeverity, SURICATA_SEVERITY[sev] ?? 21);
    const action = str(alert['action'], 32);
    if (action !== undefined) {
      setPath(event, F.eventAction, action);
      if (action === 'allowed') setPath(event, F.eventType, ['allowed']);
      else if (action === 'blocked') setPath(event, F.eventType, ['denied']);
    }
  } else {
    setPath(event, F.eventKind, 'event');
    if (type === 'flow' || type === 'netflow') setPath(event, F.eventType, ['connection']);
    else setPath(event, F.eventType, ['protocol']);
    if (type !== 'anomaly') setPath(event, F.eventAction, type);
  }

  mapDns(event, child(obj, 'dns'));
  mapHttp(event, child(obj, 'http'));
  mapTls(event, child(obj, 'tls'));
  mapSsh(event, child(obj, 'ssh'));
  const fileinfo = child(obj, 'fileinfo');
  if (isObject(fileinfo)) {
    category.push('file');
    put(event, J.fileName, str(fileinfo['filename'], 4096));
    put(event, J.fileSize, count(fileinfo['size']));
    put(event, J.fileHashMd5, str(fileinfo['md5'], 64));
    put(event, J.fileHashSha1, str(fileinfo['sha1'], 64));
    put(event, J.fileHashSha256, str(fileinfo['sha256'], 128));
  }
  const anomaly = child(obj, 'anomaly');
  if (type === 'anomaly' && isObject(anomaly)) {
    const what = str(anomaly['event'], 256);
    put(event, J.eventCode, what);
    put(event, F.eventAction, what !== undefined ? 'anomaly' : undefined);
    put(event, F.message, what !== undefined ? `${str(anomaly['type'], 32) ?? 'anomaly'}: ${what}` : undefined);
  }
  setPath(event, F.eventCategory, category);
  return true;
}

function setTimestampField(event: EcsEvent, path: string, v: unknown): void {
  const probe: EcsEvent = {};
  if (setTimestamp(probe, v)) setPath(event, path, probe[F.timestamp]);
}

/** EVE dns: version 1 (rrname/rrtype/rcode at the top) and version 2 (queries[] / answers[]). */
function mapDns(event: EcsEvent, dns: unknown): void {
  if (!isObject(dns)) return;
  const queries = dns['queries'];
  const q0 = Array.isArray(queries) ? (queries[0] as unknown) : undefined;
  put(event, J.dnsQuestionName, str(dns['rrname'], 1024) ?? str(child(q0, 'rrname'), 1024));
  put(event, J.dnsQuestionType, str(dns['rrtype'], 32) ?? str(child(q0, 'rrtype'), 32));
  put(event, J.dnsResponseCode, str(dns['rcode'], 32));
  put(event, J.dnsId, count(dns['id'])?.toString());
  put(event, J.dnsType, str(dns['type'], 16));
  const answers = Array.isArray(dns['answers']) ? dns['answers'] : dns['rdata'] !== undefined ? [dns['rdata']] : undefined;
  put(event, J.dnsResolvedIp, resolvedIps(answers));
}

function mapHttp(event: EcsEvent, http: unknown): void {
  if (!isObject(http)) return;
  put(event, F.urlOriginal, str(http['url']));
  put(event, F.urlDomain, str(http['hostname'], 255));
  put(event, F.httpRequestMethod, str(http['http_method'], 32));
  put(event, F.httpResponseStatusCode, count(http['status']));
  put(event, F.userAgentOriginal, str(http['http_user_agent']));
  put(event, F.httpRequestReferrer, str(http['http_refer']));
  put(event, F.httpResponseBodyBytes, count(http['length']));
  put(event, J.httpResponseMimeType, str(http['http_content_type'], 256));
  const protocol = str(http['protocol'], 16);
  if (protocol?.startsWith('HTTP/') === true) setPath(event, F.httpVersion, protocol.slice(5));
}

function mapTls(event: EcsEvent, tls: unknown): void {
  if (!isObject(tls)) return;
  const sni = str(tls['sni'], 255);
  put(event, J.tlsClientServerName, sni?.endsWith('.') === true ? sni.slice(0, -1) : sni);
  const v = tlsVersion(tls['version']);
  if (v) {
    setPath(event, J.tlsVersion, v.version);
    setPath(event, J.tlsVersionProtocol, v.protocol);
  }
  put(event, J.tlsServerSubject, str(tls['subject'], 2048));
  put(event, J.tlsServerIssuer, str(tls['issuerdn'], 2048));
  const fp = str(tls['fingerprint'], 128);
  if (fp !== undefined) setPath(event, J.tlsServerHashSha1, fp.replaceAll(':', '').toUpperCase());
  if (typeof tls['session_resumed'] === 'boolean') setPath(event, J.tlsResumed, tls['session_resumed']);
}

function mapSsh(event: EcsEvent, ssh: unknown): void {
  if (!isObject(ssh)) return;
  put(event, J.sshClientSoftware, str(child(ssh['client'], 'software_version'), 256));
  put(event, J.sshClientProtoVersion, str(child(ssh['client'], 'proto_version'), 16));
  put(event, J.sshServerSoftware, str(child(ssh['server'], 'software_version'), 256));
  put(event, J.sshServerProtoVersion, str(child(ssh['server'], 'proto_version'), 16));
}

/** `suricata`: EVE JSON lines only (the `json` format also routes them here). */
export const suricataFormat: LineFormat = {
  name: 'suricata',
  dataset: SURICATA_DATASET,
  sniff: (line) => line.trimStart().startsWith('{') && line.includes('"event_type"'),
  parse(line, event) {
    const obj = parseJsonLine(line);
    if (!obj || !mapSuricataEve(obj, event)) return false;
    releaseJsonLine();
    return true;
  },
};
