import { isObject, type EcsEvent } from '../../schema/event.js';
import type { LogSource } from './model.js';

/*
 * Logsource routing: which Sigma logsources (product, category, service) an event belongs to. A rule sees an event
 * only when each of its logsource's product/category/service is one the event has. The table is documented in
 * docs/sigma.md; the Windows part follows SigmaHQ's logsource mapping (config/thor.yml): channels → services,
 * Sysmon event ids and Security 4688 → categories.
 */

export interface EventSources {
  readonly product: string | undefined;
  readonly categories: readonly string[];
  readonly services: readonly string[];
}

/** Windows channel (lower-cased) → Sigma service. */
const CHANNEL_SERVICE: Readonly<Record<string, string>> = {
  'application': 'application',
  'security': 'security',
  'system': 'system',
  'microsoft-windows-sysmon/operational': 'sysmon',
  'microsoft-windows-powershell/operational': 'powershell',
  'powershellcore/operational': 'powershell',
  'windows powershell': 'powershell-classic',
  'microsoft-windows-ntlm/operational': 'ntlm',
  'microsoft-windows-taskscheduler/operational': 'taskscheduler',
  'microsoft-windows-wmi-activity/operational': 'wmi',
  'microsoft-windows-dhcp-server/operational': 'dhcp',
  'microsoft-windows-printservice/admin': 'printservice-admin',
  'microsoft-windows-printservice/operational': 'printservice-operational',
  'microsoft-windows-smbclient/security': 'smbclient-security',
  'microsoft-windows-smbclient/connectivity': 'smbclient-connectivity',
  'microsoft-windows-smbserver/connectivity': 'smbserver-connectivity',
  'microsoft-windows-terminalservices-localsessionmanager/operational': 'terminalservices-localsessionmanager',
  'microsoft-windows-codeintegrity/operational': 'codeintegrity-operational',
  'microsoft-windows-applocker/msi and script': 'applocker',
  'microsoft-windows-applocker/exe and dll': 'applocker',
  'microsoft-windows-applocker/packaged app-deployment': 'applocker',
  'microsoft-windows-applocker/packaged app-execution': 'applocker',
  'msexchange management': 'msexchange-management',
  'microsoft-windows-windows defender/operational': 'windefend',
  'microsoft-windows-windows firewall with advanced security/firewall': 'firewall-as',
  'microsoft-windows-bits-client/operational': 'bits-client',
  'microsoft-windows-security-mitigations/kernel mode': 'security-mitigations',
  'microsoft-windows-security-mitigations/user mode': 'security-mitigations',
  'microsoft-windows-diagnosis-scripted/operational': 'diagnosis-scripted',
  'microsoft-windows-shell-core/operational': 'shell-core',
  'openssh/operational': 'openssh',
  'microsoft-windows-ldap-client/debug': 'ldap',
  'microsoft-windows-bitlocker/bitlocker management': 'bitlocker',
  'microsoft-windows-vhdmp/operational': 'vhdmp',
  'microsoft-windows-appxdeploymentserver/operational': 'appxdeployment-server',
  'microsoft-windows-lsa/operational': 'lsa-server',
  'microsoft-windows-appxpackaging/operational': 'appxpackaging-om',
  'microsoft-windows-dns client events/operational': 'dns-client',
  'microsoft-windows-appmodel-runtime/admin': 'appmodel-runtime',
  'microsoft-windows-capi2/operational': 'capi2',
  'microsoft-windows-certificateservicesclient-lifecycle-system/operational': 'certificateservicesclient-lifecycle-system',
  'microsoft-windows-kernel-shimengine/operational': 'kernel-shimengine',
  'microsoft-windows-kernel-shimengine/diagnostic': 'kernel-shimengine',
  'microsoft-windows-application-experience/program-telemetry': 'application-experience',
  'microsoft-windows-application-experience/program-compatibility-assistant': 'application-experience',
  'microsoft-windows-ntfs/operational': 'ntfs',
  'microsoft-windows-hyper-v-worker': 'hyper-v-worker',
  'microsoft-windows-kernel-eventtracing': 'kernel-event-tracing',
  'microsoft-windows-sense/operational': 'sense',
  'microsoft-servicebus-client/admin': 'servicebus-client',
  'microsoft-servicebus-client/operational': 'servicebus-client',
  'microsoft-iis-configuration/operational': 'iis-configuration',
  'dns server': 'dns-server',
  'microsoft-windows-dns-server/analytical': 'dns-server-analytic',
};

/** Sysmon event id → Sigma categories. */
const SYSMON_CATEGORY: Readonly<Record<string, readonly string[]>> = {
  '1': ['process_creation'],
  '2': ['file_change'],
  '3': ['network_connection'],
  '4': ['sysmon_status'],
  '5': ['process_termination'],
  '6': ['driver_load'],
  '7': ['image_load'],
  '8': ['create_remote_thread'],
  '9': ['raw_access_thread'],
  '10': ['process_access'],
  '11': ['file_event'],
  '12': ['registry_event'],
  '13': ['registry_event', 'registry_set'],
  '14': ['registry_event', 'registry_rename'],
  '15': ['create_stream_hash'],
  '16': ['sysmon_status'],
  '17': ['pipe_created'],
  '18': ['pipe_created'],
  '19': ['wmi_event'],
  '20': ['wmi_event'],
  '21': ['wmi_event'],
  '22': ['dns_query'],
  '23': ['file_delete'],
  '24': ['clipboard_change'],
  '25': ['process_tampering'],
  '26': ['file_delete_detected', 'file_delete'],
  '27': ['file_block_executable'],
  '28': ['file_block_shredding'],
  '29': ['file_executable_detected'],
  '255': ['sysmon_error'],
};

const DEFENDER_AV = new Set(['1006', '1007', '1008', '1009', '1010', '1011', '1012', '1017', '1018', '1019', '1115', '1116']);

/** event.dataset → Sigma product, services, categories for non-Windows events. */
const DATASETS: Readonly<Record<string, { product?: string; services?: readonly string[]; categories?: readonly string[] }>> = {
  'sshd': { product: 'linux', services: ['auth', 'sshd', 'syslog'] },
  'sudo': { product: 'linux', services: ['auth', 'sudo', 'syslog'] },
  'su': { product: 'linux', services: ['auth', 'syslog'] },
  'pam': { product: 'linux', services: ['auth', 'syslog'] },
  'logind': { product: 'linux', services: ['auth', 'syslog'] },
  'cron': { product: 'linux', services: ['cron', 'syslog'] },
  'vsftpd': { product: 'linux', services: ['vsftpd', 'syslog'] },
  'proftpd': { product: 'linux', services: ['syslog'] },
  'auditd': { product: 'linux', services: ['auditd'] },
  'clamav': { product: 'linux', services: ['clamav', 'syslog'] },
  'apache.access': { categories: ['webserver'], services: ['apache'] },
  'apache.error': { services: ['apache'] },
  'nginx.access': { categories: ['webserver'], services: ['nginx'] },
  'web.access': { categories: ['webserver'] },
  'haproxy': { categories: ['proxy'] },
  'netfilter': { product: 'linux', categories: ['firewall'], services: ['syslog'] },
  'named': { categories: ['dns'] },
  'aws.cloudtrail': { product: 'aws', services: ['cloudtrail'] },
  'suricata.eve': { categories: ['ids'] },
  // flow records (NetFlow/IPFIX collector, pcap import) and the pcap importer's notable-packet events
  'netflow': { categories: ['flow'] },
  'pcap.flow': { categories: ['flow'] },
  'pcap.notable': { categories: ['flow'] },
};

const WINDOWS_PREFIX = 'windows';

/** Where a Windows event belongs (channel → service; provider and event id → categories). */
function windowsSources(winlog: Record<string, unknown>, code: string | undefined): EventSources {
  const channel = typeof winlog['channel'] === 'string' ? winlog['channel'].toLowerCase() : '';
  const provider = typeof winlog['provider_name'] === 'string' ? winlog['provider_name'] : '';
  const services: string[] = [];
  const categories: string[] = [];
  const svc = Object.hasOwn(CHANNEL_SERVICE, channel) ? CHANNEL_SERVICE[channel] : undefined;
  if (svc !== undefined) services.push(svc);
  if (code !== undefined) {
    if (svc === 'sysmon' || provider === 'Microsoft-Windows-Sysmon') {
      const c = Object.hasOwn(SYSMON_CATEGORY, code) ? SYSMON_CATEGORY[code] : undefined;
      if (c) categories.push(...c);
      if (code === '12' || code === '13' || code === '14') {
        const ed = winlog['event_data'];
        const et = isObject(ed) && typeof ed['EventType'] === 'string' ? ed['EventType'] : '';
        if (code === '12' && et === 'CreateKey') categories.push('registry_add');
        if (code === '12' && (et === 'DeleteKey' || et === 'DeleteValue')) categories.push('registry_delete');
      }
    } else if (svc === 'security' && code === '4688') categories.push('process_creation');
    else if (svc === 'powershell') {
      if (code === '4103') categories.push('ps_module');
      if (code === '4104') categories.push('ps_script');
    } else if (svc === 'powershell-classic') {
      if (code === '400') categories.push('ps_classic_start');
      if (code === '600') categories.push('ps_classic_provider_start');
      if (code === '800') categories.push('ps_classic_script');
    } else if (svc === 'windefend' && DEFENDER_AV.has(code)) categories.push('antivirus');
  }
  return { product: WINDOWS_PREFIX, categories, services };
}

const sources = (product: string | undefined, categories: readonly string[] = [], services: readonly string[] = []): EventSources =>
  Object.freeze({ product, categories: Object.freeze([...categories]), services: Object.freeze([...services]) });

/**
 * The sources of every non-Windows event, made once: per dataset, as it comes with a syslog header and without (a
 * dataset without a product of its own is Linux when it came by syslog). Shared and frozen, so that the matcher can
 * route an event by the identity of its sources.
 */
const BY_DATASET = new Map(
  Object.entries(DATASETS).map(([ds, d]) => [ds, { syslog: sources(d.product ?? 'linux', d.categories, d.services), plain: sources(d.product, d.categories, d.services) }] as const),
);
const LINUX_SYSLOG = sources('linux', [], ['syslog']);
const NONE = sources(undefined);

/** The Sigma logsources of an event (shared objects for all but Windows events: never to be changed). */
export function eventSources(e: EcsEvent): EventSources {
  const winlog = e['winlog'];
  const ev = e['event'];
  const ds = isObject(ev) && typeof ev['dataset'] === 'string' ? ev['dataset'] : undefined;
  if (isObject(winlog)) {
    const code = isObject(ev) && typeof ev['code'] === 'string' ? ev['code'] : typeof winlog['event_id'] === 'number' ? String(winlog['event_id']) : undefined;
    return windowsSources(winlog, code);
  }
  const log = e['log'];
  const syslog = isObject(log) && isObject(log['syslog']);
  if (ds !== undefined) {
    const d = BY_DATASET.get(ds);
    if (d) return syslog ? d.syslog : d.plain;
    if (ds.startsWith('zeek.')) return { product: 'zeek', categories: [], services: [ds.slice(5)] };
  }
  // any other line that came with a syslog header is a Linux (syslog) event
  return syslog ? LINUX_SYSLOG : NONE;
}

/** The routing key of a rule's logsource; events are routed to every key they can have. */
export function logsourceKey(ls: LogSource): string {
  return `${ls.product ?? ''}|${ls.category ?? ''}|${ls.service ?? ''}`;
}

/** Every routing key an event's sources give (product or none × category or none × service or none). */
export function eventKeys(s: EventSources): string[] {
  const ps = s.product !== undefined ? [s.product, ''] : [''];
  const cs = [...s.categories, ''];
  const ss = [...s.services, ''];
  const out: string[] = [];
  for (const p of ps) for (const c of cs) for (const sv of ss) out.push(`${p}|${c}|${sv}`);
  return out;
}
