import type { LineFormat, MessageParser } from './message-parser.js';
import { sshdParser } from './sshd.js';
import { suParser } from './su.js';
import { sudoParser } from './sudo.js';
import { logindParser } from './logind.js';
import { useraddParser } from './useradd.js';
import { cronParser } from './cron.js';
import { pamParser } from './pam.js';
import { asteriskParser } from './asterisk.js';
import { courierParser } from './courier.js';
import { cyrusParser } from './cyrus.js';
import { dominoParser } from './domino.js';
import { dovecotParser } from './dovecot.js';
import { eximParser } from './exim.js';
import { haproxyParser } from './haproxy.js';
import { mysqlParser } from './mysql.js';
import { namedParser } from './named.js';
import { openvpnParser } from './openvpn.js';
import { perditionParser } from './perdition.js';
import { postfixParser } from './postfix.js';
import { postgresqlParser } from './postgresql.js';
import { proftpdParser } from './proftpd.js';
import { pureFtpdParser } from './pure-ftpd.js';
import { qmailParser } from './qmail.js';
import { sendmailParser } from './sendmail.js';
import { solidPop3dParser } from './solid-pop3d.js';
import { uwimapParser } from './uwimap.js';
import { vsftpdParser } from './vsftpd.js';
import { xinetdParser } from './xinetd.js';
import { danteParser } from './dante.js';
import { monitParser } from './monit.js';
import { freeswitchParser } from './freeswitch.js';
import { nsdParser } from './nsd.js';
import { murmurParser } from './murmur.js';
import { apacheErrorFormat } from './apache-error.js';
import { nginxErrorFormat } from './nginx-error.js';
import { apacheAccessFormat, nginxAccessFormat, webAccessFormat } from './web-access.js';
import { apacheSyslogParser, nginxSyslogParser } from './web-syslog.js';
import { windowsXmlFormat } from './windows.js';
import { netfilterParser } from './netfilter.js';
import { cefFormat, cefParser } from './cef.js';
import { leefFormat, leefParser } from './leef.js';
import { kvFormat } from './kv.js';
import { suricataFormat } from './suricata.js';
import { zeekFormat } from './zeek.js';
import { cloudtrailFormat } from './cloudtrail.js';
import { jsonFormat } from './json.js';
import { WEBAPPS_FORMATS, WEBAPPS_PARSERS } from './registry-webapps.js';
import { DAEMONS_FORMATS, DAEMONS_PARSERS } from './registry-daemons.js';
import { NETWORK_FORMATS, NETWORK_PARSERS } from './registry-network.js';

/** Every message parser, in routing order. New parsers are added here (a static list: no scanning, no decorators). */
export const MESSAGE_PARSERS: readonly MessageParser[] = [sshdParser, suParser, sudoParser, logindParser, useraddParser, cronParser, pamParser, nginxSyslogParser, apacheSyslogParser, dovecotParser, postfixParser, eximParser, sendmailParser, courierParser, cyrusParser, solidPop3dParser, uwimapParser, perditionParser, qmailParser, dominoParser, vsftpdParser, proftpdParser, pureFtpdParser, mysqlParser, postgresqlParser, namedParser, openvpnParser, asteriskParser, haproxyParser, xinetdParser, danteParser, monitParser, freeswitchParser, nsdParser, murmurParser, netfilterParser, cefParser, leefParser, ...WEBAPPS_PARSERS, ...DAEMONS_PARSERS, ...NETWORK_PARSERS];

/** Every whole-line format, in sniffing order. */
export const LINE_FORMATS: readonly LineFormat[] = [webAccessFormat, apacheErrorFormat, nginxErrorFormat, apacheAccessFormat, nginxAccessFormat, cefFormat, leefFormat, suricataFormat, zeekFormat, cloudtrailFormat, ...WEBAPPS_FORMATS, ...DAEMONS_FORMATS, ...NETWORK_FORMATS, windowsXmlFormat, jsonFormat, kvFormat];

const BY_PROGRAM = new Map<string, MessageParser>();
for (const p of MESSAGE_PARSERS) for (const prog of p.programs) if (!BY_PROGRAM.has(prog)) BY_PROGRAM.set(prog, p);
const ANY = MESSAGE_PARSERS.filter((p) => p.any === true);

/** `sshd(pam_unix)` → `sshd`, `CRON` → `cron`, `postfix/smtpd` stays as it is. */
export function programKey(appname: string): string {
  const paren = appname.indexOf('(');
  return (paren > 0 ? appname.slice(0, paren) : appname).toLowerCase();
}

export function parserForProgram(appname: string): MessageParser | undefined {
  return BY_PROGRAM.get(programKey(appname));
}

export function anyProgramParsers(): readonly MessageParser[] {
  return ANY;
}

/** Names accepted by --format: `syslog` (routing by program), each message parser and each line format. */
export function formatNames(): string[] {
  return ['syslog', ...MESSAGE_PARSERS.map((p) => p.name), ...LINE_FORMATS.map((f) => f.name)];
}

export function findFormat(name: string): { message?: MessageParser; line?: LineFormat } | undefined {
  if (name === 'syslog' || name === 'line') return {};
  const message = MESSAGE_PARSERS.find((p) => p.name === name);
  if (message) return { message };
  const line = LINE_FORMATS.find((f) => f.name === name);
  if (line) return { line };
  return undefined;
}
