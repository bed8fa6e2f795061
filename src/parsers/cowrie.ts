import { setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { ip, J, parseJsonLine, port, put, releaseJsonLine, setTimestamp, str, type Json } from './json-fields.js';

export const COWRIE_DATASET = 'cowrie';

const C = {
  session: 'cowrie.session',
  eventId: 'cowrie.eventid',
  hassh: 'cowrie.hassh',
  observerName: 'observer.name',
  observerType: 'observer.type',
  commandLine: 'process.command_line',
  urlOriginal: 'url.original',
} as const;

const PREFIX = 'cowrie.';

/** ECS classification of each Cowrie event id; ids not listed are network information. */
const KINDS: Readonly<Record<string, { category: string[]; type: string[]; outcome?: string }>> = {
  // any connection to a honeypot is hostile contact: one indicator per session
  'session.connect': { category: ['network', 'intrusion_detection'], type: ['connection', 'start', 'indicator'] },
  'session.closed': { category: ['network'], type: ['connection', 'end'] },
  'login.failed': { category: ['authentication', 'intrusion_detection'], type: ['start'], outcome: 'failure' },
  'login.success': { category: ['authentication', 'intrusion_detection'], type: ['start'], outcome: 'success' },
  'command.input': { category: ['process', 'intrusion_detection'], type: ['start'] },
  'command.failed': { category: ['process', 'intrusion_detection'], type: ['start'], outcome: 'failure' },
  'session.file_download': { category: ['file', 'intrusion_detection'], type: ['creation'] },
  'session.file_upload': { category: ['file', 'intrusion_detection'], type: ['creation'] },
  'direct-tcpip.request': { category: ['network', 'intrusion_detection'], type: ['connection', 'start'] },
};

function own(obj: Json, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * Maps one event of the Cowrie honeypot's JSON log (`cowrie.json`). The attacker is the source, the honeypot the
 * destination and the observer. Connections are attack indicators and failed logins authentication failures; the
 * rest (client version, key exchange, closed logs) is information about the session.
 */
export function mapCowrie(obj: Json, event: EcsEvent): boolean {
  const id = str(own(obj, 'eventid'), 128);
  if (id === undefined || !id.startsWith(PREFIX)) return false;
  const what = id.slice(PREFIX.length);
  const kind = KINDS[what] ?? { category: ['network'], type: ['info'] };
  setPath(event, F.eventKind, 'event');
  setPath(event, F.eventCategory, kind.category);
  setPath(event, F.eventType, kind.type);
  setPath(event, F.eventAction, what);
  if (kind.outcome !== undefined) setPath(event, F.eventOutcome, kind.outcome);
  setPath(event, C.eventId, id);
  setPath(event, C.observerType, 'honeypot');
  put(event, C.observerName, str(own(obj, 'sensor'), 255));
  put(event, C.session, str(own(obj, 'session'), 64));
  put(event, F.sourceIp, ip(own(obj, 'src_ip')));
  put(event, F.sourcePort, port(own(obj, 'src_port')));
  put(event, F.destinationIp, ip(own(obj, 'dst_ip')));
  put(event, F.destinationPort, port(own(obj, 'dst_port')));
  const protocol = str(own(obj, 'protocol'), 16);
  if (protocol !== undefined) {
    setPath(event, J.networkProtocol, protocol.toLowerCase());
    setPath(event, F.networkTransport, 'tcp');
  }
  put(event, F.userName, str(own(obj, 'username'), 256));
  put(event, J.sshClientSoftware, what === 'client.version' ? str(own(obj, 'version'), 256) : undefined);
  put(event, C.hassh, str(own(obj, 'hassh'), 64));
  put(event, C.commandLine, str(own(obj, 'input'), 65536));
  put(event, C.urlOriginal, str(own(obj, 'url'), 8192));
  put(event, J.fileHashSha256, str(own(obj, 'shasum'), 64));
  const duration = own(obj, 'duration');
  const seconds = typeof duration === 'number' ? duration : typeof duration === 'string' ? Number(duration) : Number.NaN;
  if (Number.isFinite(seconds) && seconds >= 0 && seconds < 1e9) setPath(event, J.eventDuration, Math.round(seconds * 1e9));
  setTimestamp(event, own(obj, 'timestamp'));
  put(event, F.message, str(own(obj, 'message'), 65536));
  return true;
}

/**
 * The Cowrie JSON log, sniffed before generic JSON: a JSON object line naming a `cowrie.` event id. The object is
 * parsed once (the JSON format reuses it when this format declines the line).
 */
export const cowrieFormat: LineFormat = {
  name: 'cowrie',
  dataset: COWRIE_DATASET,
  sniff(line) {
    return line.charCodeAt(0) === 123 && line.includes('"eventid":"cowrie.');
  },
  parse(line, event) {
    const obj = parseJsonLine(line);
    if (!obj) return false;
    let mapped = false;
    try {
      mapped = mapCowrie(obj, event);
    } catch {
      mapped = false;
    }
    if (!mapped) return false;
    releaseJsonLine();
    return true;
  },
};
