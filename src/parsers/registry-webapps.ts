import type { LineFormat, MessageParser } from './message-parser.js';

/** Message parsers for web applications (CMS, webmail, admin panels, password managers), routed by program name (appended to the registry's list). */
export const WEBAPPS_PARSERS: readonly MessageParser[] = [];

/** Whole-line formats for web applications (CMS, webmail, admin panels, password managers) (sniffed before the generic JSON and key=value formats). */
export const WEBAPPS_FORMATS: readonly LineFormat[] = [];
