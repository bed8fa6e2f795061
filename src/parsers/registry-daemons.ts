import type { LineFormat, MessageParser } from './message-parser.js';

/** Message parsers for mail, chat, VoIP, VPN, directory and other daemons, routed by program name (appended to the registry's list). */
export const DAEMONS_PARSERS: readonly MessageParser[] = [];

/** Whole-line formats for mail, chat, VoIP, VPN, directory and other daemons (sniffed before the generic JSON and key=value formats). */
export const DAEMONS_FORMATS: readonly LineFormat[] = [];
