import type { LineFormat, MessageParser } from './message-parser.js';

/** Message parsers for network, DNS, scan detectors, honeypots, fail2ban's own log and generic formats, routed by program name (appended to the registry's list). */
export const NETWORK_PARSERS: readonly MessageParser[] = [];

/** Whole-line formats for network, DNS, scan detectors, honeypots, fail2ban's own log and generic formats (sniffed before the generic JSON and key=value formats). */
export const NETWORK_FORMATS: readonly LineFormat[] = [];
