import type { LineFormat, MessageParser } from './message-parser.js';
import { asspFormat } from './assp.js';
import { kerioFormat } from './kerio.js';
import { dominoConsoleFormat } from './domino.js';
import { freeswitchConsoleParser, freeswitchLogFormat } from './freeswitch.js';
import { monitLogFormat } from './monit.js';
import { murmurLogFormat } from './murmur.js';
import { ejabberdLagerParser, ejabberdLogFormat, ejabberdParser } from './ejabberd.js';
import { oracleImsFormat } from './oracleims.js';
import { threeProxyFormat } from './3proxy.js';
import { routerosParser } from './routeros.js';
import { screensharingdParser } from './screensharingd.js';
import { zncLogFormat, zncParser } from './znc.js';
import { counterStrikeFormat } from './counter-strike.js';
import { softetherParser } from './softethervpn.js';
import { stunnelLogFormat, stunnelParser } from './stunnel.js';
import { slapdParser } from './slapd.js';

/**
 * Message parsers for mail, chat, VoIP, VPN, directory and other daemons, routed by program name (appended to the
 * registry's list). The `any` ones (tried for every program) reject a message on its first characters: their lines
 * reach routing without a usable program name (a log level or a topic list read as the program).
 */
export const DAEMONS_PARSERS: readonly MessageParser[] = [
  ejabberdParser,
  screensharingdParser,
  zncParser,
  stunnelParser,
  slapdParser,
  freeswitchConsoleParser,
  ejabberdLagerParser,
  routerosParser,
  softetherParser,
];

/** Whole-line formats for mail, chat, VoIP, VPN, directory and other daemons (sniffed before the generic JSON and key=value formats). */
export const DAEMONS_FORMATS: readonly LineFormat[] = [
  asspFormat,
  kerioFormat,
  dominoConsoleFormat,
  threeProxyFormat,
  freeswitchLogFormat,
  monitLogFormat,
  murmurLogFormat,
  ejabberdLogFormat,
  oracleImsFormat,
  zncLogFormat,
  counterStrikeFormat,
  stunnelLogFormat,
];
