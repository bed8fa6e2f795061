import type { LineFormat, MessageParser } from './message-parser.js';
import { asspFormat } from './assp.js';
import { kerioFormat } from './kerio.js';
import { dominoConsoleFormat } from './domino.js';
import { freeswitchConsoleParser, freeswitchLogFormat } from './freeswitch.js';
import { monitLogFormat } from './monit.js';
import { murmurLogFormat } from './murmur.js';

/** Message parsers for mail, chat, VoIP, VPN, directory and other daemons, routed by program name (appended to the registry's list). */
export const DAEMONS_PARSERS: readonly MessageParser[] = [freeswitchConsoleParser];

/** Whole-line formats for mail, chat, VoIP, VPN, directory and other daemons (sniffed before the generic JSON and key=value formats). */
export const DAEMONS_FORMATS: readonly LineFormat[] = [asspFormat, kerioFormat, dominoConsoleFormat, freeswitchLogFormat, monitLogFormat, murmurLogFormat];
