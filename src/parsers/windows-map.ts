import { isIP } from 'node:net';
import { setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { A, addressFields, apply, portNumber, type Fields } from './auth-common.js';
import { putOwn, type WindowsSystem } from './windows-xml.js';

/*
 * The mapping of a Windows event (its <System> fields and event data) to ECS, shared by the XML and JSON forms
 * (windows.ts). The event data is kept under winlog.event_data exactly as named (names with spaces also without
 * them, as Sigma rules write them); the well-known security and Sysmon events are also mapped to ECS fields.
 */

/** ECS and winlog fields set here beyond the shared constants. */
export const W = {
  eventCode: 'event.code',
  eventProvider: 'event.provider',
  eventModule: 'event.module',
  winlogEventId: 'winlog.event_id',
  winlogChannel: 'winlog.channel',
  winlogProviderName: 'winlog.provider_name',
  winlogProviderGuid: 'winlog.provider_guid',
  winlogComputerName: 'winlog.computer_name',
  winlogRecordId: 'winlog.record_id',
  winlogProcessPid: 'winlog.process.pid',
  winlogThreadId: 'winlog.process.thread.id',
  winlogEventData: 'winlog.event_data',
  winlogUserData: 'winlog.user_data',
  winlogUserDataName: 'winlog.user_data.xml_name',
  winlogTask: 'winlog.task',
  winlogOpcode: 'winlog.opcode',
  winlogKeywords: 'winlog.keywords',
  logLevel: 'log.level',
  winlogVersion: 'winlog.version',
  winlogUserId: 'winlog.user.identifier',
  winlogActivityId: 'winlog.activity_id',
  logonType: 'winlog.logon.type',
  logonTypeCode: 'winlog.logon.type_code',
  logonId: 'winlog.logon.id',
  logonFailureStatus: 'winlog.logon.failure.status',
  logonFailureSubStatus: 'winlog.logon.failure.sub_status',
  logonFailureReason: 'winlog.logon.failure.reason',
  userDomain: 'user.domain',
  userTargetDomain: 'user.target.domain',
  userTargetId: 'user.target.id',
  groupDomain: 'group.domain',
  processEntityId: 'process.entity_id',
  processParentExecutable: 'process.parent.executable',
  processParentName: 'process.parent.name',
  processParentPid: 'process.parent.pid',
  processParentCommandLine: 'process.parent.command_line',
  processHash: 'process.hash',
  fileName: 'file.name',
  fileDirectory: 'file.directory',
  destinationDomain: 'destination.domain',
  networkProtocol: 'network.protocol',
  networkDirection: 'network.direction',
} as const;

const SYSMON = 'Microsoft-Windows-Sysmon';

/** <Level> numbers (0 is "log always", shown as information by Event Viewer). */
const LEVELS: Record<string, string> = { '0': 'information', '1': 'critical', '2': 'error', '3': 'warning', '4': 'information', '5': 'verbose' };

const LOGON_TYPES: Record<string, string> = {
  '0': 'System',
  '2': 'Interactive',
  '3': 'Network',
  '4': 'Batch',
  '5': 'Service',
  '7': 'Unlock',
  '8': 'NetworkCleartext',
  '9': 'NewCredentials',
  '10': 'RemoteInteractive',
  '11': 'CachedInteractive',
  '12': 'CachedRemoteInteractive',
  '13': 'CachedUnlock',
};

/** NTSTATUS codes of 4625 Status/SubStatus (lower-case hex). */
const LOGON_FAILURES: Record<string, string> = {
  '0xc000005e': 'no logon servers available',
  '0xc0000064': 'user name does not exist',
  '0xc000006a': 'wrong password',
  '0xc000006d': 'bad user name or password',
  '0xc000006e': 'account restriction',
  '0xc000006f': 'logon outside authorized hours',
  '0xc0000070': 'logon from unauthorized workstation',
  '0xc0000071': 'password expired',
  '0xc0000072': 'account disabled',
  '0xc000015b': 'logon type not granted',
  '0xc0000193': 'account expired',
  '0xc0000224': 'password must change',
  '0xc0000234': 'account locked out',
  '0xc0000413': 'authentication firewall: not allowed',
};

/** An own string value of the event data ('' and '-' count as absent). */
function val(d: Record<string, string>, key: string): string | undefined {
  if (!Object.hasOwn(d, key)) return undefined;
  const v = d[key];
  return typeof v === 'string' && v.length > 0 && v !== '-' ? v : undefined;
}

/** `0x1a4` or `420` → 420. */
function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (/^0[xX][0-9a-fA-F]{1,13}$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^\d{1,15}$/.test(t)) return Number(t);
  return undefined;
}

/** `C:\Windows\System32\cmd.exe` → `cmd.exe`. */
export function winBasename(path: string): string {
  const i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return i === -1 ? path : path.slice(i + 1);
}

function winDirname(path: string): string | undefined {
  const i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return i <= 0 ? undefined : path.slice(0, i);
}

const WIN_TIME = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/;

/** `2020-07-22 20:29:27.321770` (UTC) or `2020-07-22T20:29:27.3217700Z` → canonical ISO text; undefined otherwise. */
export function windowsTime(s: string): string | undefined {
  const m = WIN_TIME.exec(s.trim());
  if (!m) return undefined;
  const ms = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  const t = Date.parse(`${m[1]}T${m[2]}.${ms}${m[4] ?? 'Z'}`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** `windows.security`, `windows.sysmon`, `windows.<channel>` (lower case, other characters as `_`). */
export function windowsDataset(provider: string | undefined, channel: string | undefined): string {
  if (provider === SYSMON || (channel !== undefined && channel.startsWith(`${SYSMON}/`))) return 'windows.sysmon';
  if (channel === undefined || channel.length === 0) return 'windows';
  return `windows.${channel.toLowerCase().slice(0, 64).replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
}

function cat(category: string, type: string[], action: string, outcome?: string): Fields {
  return { [F.eventCategory]: [category], [F.eventType]: type, [F.eventAction]: action, [F.eventOutcome]: outcome };
}

function sourceAddress(d: Record<string, string>, ipKey: string, portKey: string): Fields {
  const raw = val(d, ipKey);
  const f: Fields = (raw !== undefined ? addressFields(raw) : undefined) ?? {};
  const port = portNumber(val(d, portKey));
  if (port !== undefined && port !== 0) f[F.sourcePort] = port;
  return f;
}

function subjectUser(d: Record<string, string>): Fields {
  return { [F.userName]: val(d, 'SubjectUserName'), [W.userDomain]: val(d, 'SubjectDomainName'), [A.userId]: val(d, 'SubjectUserSid') };
}

/** `DOMAIN\user` → user.domain and user.name. */
function domainUser(s: string | undefined): Fields {
  if (s === undefined) return {};
  const i = s.indexOf('\\');
  return i === -1 ? { [F.userName]: s } : { [W.userDomain]: s.slice(0, i), [F.userName]: s.slice(i + 1) };
}

function executable(path: string | undefined, prefix: 'process' | 'process.parent'): Fields {
  if (path === undefined) return {};
  return { [`${prefix}.executable`]: path, [`${prefix}.name`]: winBasename(path) };
}

/** `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` → process.hash.sha1 … */
function hashes(s: string | undefined): Fields {
  const f: Fields = {};
  if (s === undefined) return f;
  for (const part of s.split(',', 8)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const alg = part.slice(0, eq).trim().toLowerCase();
    const h = part.slice(eq + 1).trim().toLowerCase();
    if (/^(?:md5|sha1|sha256|sha384|sha512|imphash)$/.test(alg) && /^[0-9a-f]{16,128}$/.test(h)) f[`${W.processHash}.${alg}`] = h;
  }
  return f;
}

function logonType(d: Record<string, string>): Fields {
  const t = val(d, 'LogonType');
  if (t === undefined) return {};
  const code = num(t);
  return { [W.logonTypeCode]: code, [W.logonType]: LOGON_TYPES[t.trim()] ?? t };
}

function securityFields(id: number, d: Record<string, string>): Fields | undefined {
  switch (id) {
    case 4624:
    case 4625: {
      const ok = id === 4624;
      const f: Fields = {
        ...cat('authentication', ['start'], ok ? 'logged-in' : 'logon-failed', ok ? 'success' : 'failure'),
        [F.userName]: val(d, 'TargetUserName'),
        [W.userDomain]: val(d, 'TargetDomainName'),
        [A.userId]: val(d, 'TargetUserSid'),
        [W.logonId]: val(d, 'TargetLogonId'),
        ...logonType(d),
        ...sourceAddress(d, 'IpAddress', 'IpPort'),
        ...executable(val(d, 'ProcessName'), 'process'),
        [A.userAuthMethod]: val(d, 'AuthenticationPackageName'),
      };
      if (!ok) {
        const status = val(d, 'Status')?.toLowerCase();
        const sub = val(d, 'SubStatus')?.toLowerCase();
        f[W.logonFailureStatus] = status;
        f[W.logonFailureSubStatus] = sub;
        const reason = (sub !== undefined && sub !== '0x0' ? LOGON_FAILURES[sub] : undefined) ?? (status !== undefined ? LOGON_FAILURES[status] : undefined);
        f[W.logonFailureReason] = reason;
      }
      if (f[F.sourceIp] === undefined && f[A.sourceDomain] === undefined) {
        const ws = val(d, 'WorkstationName');
        if (ws !== undefined) f[A.sourceDomain] = ws;
      }
      return f;
    }
    case 4648:
      return {
        ...cat('authentication', ['start'], 'logged-in-explicit', 'success'),
        ...subjectUser(d),
        [A.userTargetName]: val(d, 'TargetUserName'),
        [W.userTargetDomain]: val(d, 'TargetDomainName'),
        [A.userEffectiveName]: val(d, 'TargetUserName'),
        [W.destinationDomain]: val(d, 'TargetServerName'),
        ...sourceAddress(d, 'IpAddress', 'IpPort'),
        ...executable(val(d, 'ProcessName'), 'process'),
      };
    case 4672:
      return { ...cat('iam', ['admin'], 'logged-in-special', 'success'), ...subjectUser(d), [W.logonId]: val(d, 'SubjectLogonId') };
    case 4688: {
      const cmd = val(d, 'CommandLine');
      return {
        ...cat('process', ['start'], 'created-process', 'success'),
        ...subjectUser(d),
        ...executable(val(d, 'NewProcessName'), 'process'),
        [A.processCommandLine]: cmd,
        [F.processPid]: num(val(d, 'NewProcessId')),
        [W.processParentPid]: num(val(d, 'ProcessId')),
        ...executable(val(d, 'ParentProcessName'), 'process.parent'),
      };
    }
    case 4720:
      return {
        ...cat('iam', ['user', 'creation'], 'added-user-account', 'success'),
        ...subjectUser(d),
        [A.userTargetName]: val(d, 'TargetUserName') ?? val(d, 'SamAccountName'),
        [W.userTargetDomain]: val(d, 'TargetDomainName'),
        [W.userTargetId]: val(d, 'TargetSid'),
      };
    case 4728:
    case 4732:
    case 4756:
      return {
        ...cat('iam', ['group', 'change'], 'added-member-to-group', 'success'),
        ...subjectUser(d),
        [A.groupName]: val(d, 'TargetUserName'),
        [W.groupDomain]: val(d, 'TargetDomainName'),
        [A.groupId]: val(d, 'TargetSid'),
        [A.userTargetName]: val(d, 'MemberName'),
        [W.userTargetId]: val(d, 'MemberSid'),
      };
    case 1102:
      return { ...cat('configuration', ['change'], 'audit-log-cleared', 'success'), ...subjectUser(d) };
    default:
      return undefined;
  }
}

function sysmonFields(id: number, d: Record<string, string>): Fields | undefined {
  const proc = (): Fields => ({
    ...executable(val(d, 'Image'), 'process'),
    [F.processPid]: num(val(d, 'ProcessId')),
    [W.processEntityId]: val(d, 'ProcessGuid'),
    ...domainUser(val(d, 'User')),
  });
  switch (id) {
    case 1:
      return {
        ...cat('process', ['start'], 'process-created', 'success'),
        ...proc(),
        [A.processCommandLine]: val(d, 'CommandLine'),
        [A.processWorkingDirectory]: val(d, 'CurrentDirectory'),
        ...executable(val(d, 'ParentImage'), 'process.parent'),
        [W.processParentPid]: num(val(d, 'ParentProcessId')),
        [W.processParentCommandLine]: val(d, 'ParentCommandLine'),
        ...hashes(val(d, 'Hashes')),
      };
    case 3: {
      const f: Fields = { ...cat('network', ['connection', 'start'], 'network-connection-detected'), ...proc() };
      const sip = val(d, 'SourceIp');
      const dip = val(d, 'DestinationIp');
      if (sip !== undefined && isIP(sip) !== 0) f[F.sourceIp] = sip;
      if (dip !== undefined && isIP(dip) !== 0) f[F.destinationIp] = dip;
      f[F.sourcePort] = portNumber(val(d, 'SourcePort'));
      f[F.destinationPort] = portNumber(val(d, 'DestinationPort'));
      f[F.sourceDomain] = val(d, 'SourceHostname');
      f[W.destinationDomain] = val(d, 'DestinationHostname');
      f[F.networkTransport] = val(d, 'Protocol')?.toLowerCase();
      f[W.networkProtocol] = val(d, 'DestinationPortName')?.toLowerCase();
      const initiated = val(d, 'Initiated')?.toLowerCase();
      if (initiated === 'true') f[W.networkDirection] = 'egress';
      else if (initiated === 'false') f[W.networkDirection] = 'ingress';
      return f;
    }
    case 11: {
      const path = val(d, 'TargetFilename');
      return {
        ...cat('file', ['creation'], 'file-created'),
        ...proc(),
        [F.filePath]: path,
        [W.fileName]: path !== undefined ? winBasename(path) : undefined,
        [W.fileDirectory]: path !== undefined ? winDirname(path) : undefined,
      };
    }
    default:
      return undefined;
  }
}

/**
 * Sigma rules name event data fields without their spaces (Defender's `Source Name` is `SourceName` in rules), so
 * such fields are also kept under that name, unless the event has a field of that name already.
 */
function addSpacelessNames(d: Record<string, string>): void {
  for (const k of Object.keys(d)) {
    if (!k.includes(' ')) continue;
    const alias = k.replaceAll(' ', '');
    if (alias.length > 0 && !Object.hasOwn(d, alias)) putOwn(d, alias, d[k]);
  }
}

/**
 * Sets the winlog.* fields, event.code, host.name and @timestamp of an event, keeps the event data under
 * winlog.event_data (and user data under winlog.user_data), and maps the well-known event ids to ECS.
 * `eventData` (and `userData`) must be own-property records (built with `putOwn` or `safeStringRecord`).
 */
export function mapWindowsEvent(sys: WindowsSystem, eventData: Record<string, string>, event: EcsEvent, userData?: Record<string, string>, userDataName?: string): void {
  const idText = sys.eventId?.trim();
  const id = num(idText);
  if (id !== undefined) {
    setPath(event, W.winlogEventId, id);
    setPath(event, W.eventCode, String(id));
  } else if (idText !== undefined && idText.length > 0) setPath(event, W.eventCode, idText.slice(0, 64));
  const set = (path: string, v: string | number | undefined): void => {
    if (v !== undefined && v !== '') setPath(event, path, v);
  };
  set(W.winlogChannel, sys.channel);
  set(W.winlogProviderName, sys.provider);
  set(W.eventProvider, sys.provider);
  set(W.winlogProviderGuid, sys.providerGuid);
  set(W.winlogComputerName, sys.computer);
  set(F.hostName, sys.computer);
  set(W.winlogRecordId, num(sys.recordId) ?? sys.recordId);
  set(W.winlogProcessPid, num(sys.pid));
  set(W.winlogThreadId, num(sys.tid));
  set(W.winlogTask, sys.task);
  set(W.winlogOpcode, sys.opcode);
  set(W.winlogVersion, num(sys.version));
  set(W.winlogUserId, sys.userId);
  if (sys.level !== undefined && Object.hasOwn(LEVELS, sys.level)) set(W.logLevel, LEVELS[sys.level]);
  set(W.winlogActivityId, sys.activityId);
  if (sys.keywords !== undefined && sys.keywords !== '') setPath(event, W.winlogKeywords, [sys.keywords]);
  const ts = sys.timeCreated !== undefined ? windowsTime(sys.timeCreated) : undefined;
  if (ts !== undefined) event[F.timestamp] = ts;
  if (Object.keys(eventData).length > 0) {
    addSpacelessNames(eventData);
    setPath(event, W.winlogEventData, eventData);
  }
  if (userData !== undefined) {
    setPath(event, W.winlogUserData, userData);
    if (userDataName !== undefined && !Object.hasOwn(userData, 'xml_name')) userData.xml_name = userDataName;
  }
  const sysmon = sys.provider === SYSMON;
  setPath(event, F.eventDataset, windowsDataset(sys.provider, sys.channel));
  setPath(event, W.eventModule, sysmon ? 'sysmon' : 'windows');
  if (id === undefined) return;
  // 1102 "log cleared" carries its fields in <UserData>
  const data = userData !== undefined && Object.keys(eventData).length === 0 ? userData : eventData;
  const f = sysmon ? sysmonFields(id, data) : sys.provider === undefined || sys.provider.startsWith('Microsoft-Windows-Security-Auditing') || sys.provider === 'Microsoft-Windows-Eventlog' || sys.channel === 'Security' ? securityFields(id, data) : undefined;
  if (f) apply(event, f);
}
