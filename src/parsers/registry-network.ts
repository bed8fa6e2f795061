import type { LineFormat, MessageParser } from './message-parser.js';
import { cowrieFormat } from './cowrie.js';
import { fail2banFormat, fail2banParser } from './fail2ban.js';
import { namedLogParser } from './named.js';
import { nsdEpochParser, nsdFormat } from './nsd.js';
import { portsentryFormat, portsentryParser } from './portsentry.js';
import { scanlogdParser } from './scanlogd.js';

/** Message parsers for network, DNS, scan detectors, honeypots, fail2ban's own log and generic formats, routed by program name (appended to the registry's list). */
export const NETWORK_PARSERS: readonly MessageParser[] = [namedLogParser, fail2banParser, scanlogdParser, nsdEpochParser, portsentryParser];

/** Whole-line formats for network, DNS, scan detectors, honeypots, fail2ban's own log and generic formats (sniffed before the generic JSON and key=value formats). */
export const NETWORK_FORMATS: readonly LineFormat[] = [fail2banFormat, nsdFormat, portsentryFormat, cowrieFormat];
