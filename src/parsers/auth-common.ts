import { isIP } from 'node:net';
import { isObject, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';

/** ECS fields the authentication parsers set beyond the shared constants in schema/fields.ts. */
export const A = {
  sourceAddress: 'source.address',
  sourceDomain: F.sourceDomain,
  userInvalid: 'user.invalid',
  userAuthMethod: 'user.authentication.method',
  userEffectiveName: 'user.effective.name',
  userTargetName: 'user.target.name',
  userId: 'user.id',
  userEffectiveId: 'user.effective.id',
  groupName: 'group.name',
  groupId: 'group.id',
  processCommandLine: 'process.command_line',
  processWorkingDirectory: 'process.working_directory',
  processTtyName: 'process.tty.name',
  sessionId: 'session.id',
  errorMessage: F.errorMessage,
  repeatCount: 'vigil.repeat_count',
  pamModule: 'vigil.pam.module',
  pamService: 'vigil.pam.service',
  pamType: 'vigil.pam.type',
  pamLogname: 'vigil.pam.logname',
  pamRuser: 'vigil.pam.ruser',
  pamByUser: 'vigil.pam.by_user',
  pamByUid: 'vigil.pam.by_uid',
  processExecutable: 'process.executable',
  userHome: 'vigil.user.home',
  userShell: 'vigil.user.shell',
  iamChange: 'vigil.iam.change',
  cronDetail: 'vigil.cron.detail',
  sshReason: 'vigil.ssh.reason',
} as const;

export type Fields = Record<string, unknown>;

// called only as HAS_OWN.call(object, key)
// eslint-disable-next-line @typescript-eslint/unbound-method
const HAS_OWN = Object.prototype.hasOwnProperty;

/** The object at `key` of `doc`, made when missing or not an own object (as setPath makes the segments of a path). */
function child(doc: Record<string, unknown>, key: string): Record<string, unknown> {
  const o = doc[key];
  if (isObject(o) && Object.hasOwn(doc, key)) return o;
  const made: Record<string, unknown> = {};
  doc[key] = made;
  return made;
}

/**
 * Sets every field of `f` on `event`, in order. The fields the authentication parsers set on every event are written
 * with fixed property names (what setPath does for them, without splitting and walking the path); others go through
 * setPath. The `event`, `user`, `source` and `vigil` objects are looked up once (only setPath could replace them).
 */
export function apply(event: EcsEvent, f: Fields): void {
  let ev: Record<string, unknown> | undefined;
  let user: Record<string, unknown> | undefined;
  let source: Record<string, unknown> | undefined;
  let vigil: Record<string, unknown> | undefined;
  for (const k in f) {
    // the for-in + hasOwnProperty pattern is one V8 answers from the enumeration cache (Object.hasOwn is a call)
    if (!HAS_OWN.call(f, k)) continue;
    const v = f[k];
    if (v === undefined) continue;
    switch (k) {
      case F.eventCategory:
        (ev ??= child(event, 'event'))['category'] = v;
        break;
      case F.eventType:
        (ev ??= child(event, 'event'))['type'] = v;
        break;
      case F.eventAction:
        (ev ??= child(event, 'event'))['action'] = v;
        break;
      case F.eventOutcome:
        (ev ??= child(event, 'event'))['outcome'] = v;
        break;
      case F.userName:
        (user ??= child(event, 'user'))['name'] = v;
        break;
      case A.userInvalid:
        (user ??= child(event, 'user'))['invalid'] = v;
        break;
      case A.userId:
        (user ??= child(event, 'user'))['id'] = v;
        break;
      case A.userEffectiveId:
        child((user ??= child(event, 'user')), 'effective')['id'] = v;
        break;
      case A.processTtyName:
        child(child(event, 'process'), 'tty')['name'] = v;
        break;
      case A.userAuthMethod:
        child((user ??= child(event, 'user')), 'authentication')['method'] = v;
        break;
      case A.sourceAddress:
        (source ??= child(event, 'source'))['address'] = v;
        break;
      case F.sourceIp:
        (source ??= child(event, 'source'))['ip'] = v;
        break;
      case F.sourcePort:
        (source ??= child(event, 'source'))['port'] = v;
        break;
      case A.sourceDomain:
        (source ??= child(event, 'source'))['domain'] = v;
        break;
      case A.sshReason:
        child((vigil ??= child(event, 'vigil')), 'ssh')['reason'] = v;
        break;
      case A.repeatCount:
        (vigil ??= child(event, 'vigil'))['repeat_count'] = v;
        break;
      case A.pamModule:
        child((vigil ??= child(event, 'vigil')), 'pam')['module'] = v;
        break;
      case A.pamService:
        child((vigil ??= child(event, 'vigil')), 'pam')['service'] = v;
        break;
      case A.pamType:
        child((vigil ??= child(event, 'vigil')), 'pam')['type'] = v;
        break;
      case A.pamLogname:
        child((vigil ??= child(event, 'vigil')), 'pam')['logname'] = v;
        break;
      case A.pamRuser:
        child((vigil ??= child(event, 'vigil')), 'pam')['ruser'] = v;
        break;
      default:
        setPath(event, k, v);
        ev = user = source = vigil = undefined;
    }
  }
}

const HOSTNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?\.?$/;

/**
 * False when `s` cannot be an address for isIP: without a ':' only IPv4 is possible, and IPv4 is digits and dots.
 * (isIP's IPv6 pattern is slow to reject a long host name.)
 */
function mayBeIp(s: string): boolean {
  if (s.includes(':')) return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 46 && (c < 48 || c > 57)) return false;
  }
  return true;
}

/**
 * The peer as logged: an IP address (IPv4-mapped IPv6 reduced to IPv4) in source.ip, a host name in source.domain,
 * and the text as written in source.address. Undefined for text that is neither (empty, spaces, brackets …).
 */
export function addressFields(raw: string): Fields | undefined {
  if (raw.length === 0 || raw.length > 255) return undefined;
  let ip = raw;
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
  if (mayBeIp(ip) && isIP(ip) !== 0) return { [A.sourceAddress]: raw, [F.sourceIp]: ip };
  if (!HOSTNAME.test(raw)) return undefined;
  // a dotted quad that is not an address (192.030.0.6) is kept as written only
  if (/^[\d.]+$/.test(raw)) return { [A.sourceAddress]: raw };
  return { [A.sourceAddress]: raw, [A.sourceDomain]: raw.toLowerCase() };
}

/** A decimal port 0–65535, or undefined. */
export function portNumber(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 65535 ? n : undefined;
}
