import type { LineFormat, MessageParser } from './message-parser.js';
import { bitwardenParser } from './bitwarden.js';
import { centreonFormat } from './centreon.js';
import { directAdminFormat } from './directadmin.js';
import { drupalParser } from './drupal.js';
import { froxlorParser } from './froxlor.js';
import { gitlabFormat } from './gitlab.js';
import { grafanaFormat } from './grafana.js';
import { groupOfficeFormat } from './groupoffice.js';
import { guacamoleFormat } from './guacamole.js';
import { hordeParser } from './horde.js';
import { monitorixFormat } from './monitorix.js';
import { nrpeParser } from './nagios.js';
import { openWebmailFormat } from './openwebmail.js';
import { phpMyAdminParser } from './phpmyadmin.js';
import { proxmoxParser } from './proxmox.js';
import { sogoParser } from './sogo.js';
import { squirrelmailFormat } from './squirrelmail.js';
import { suhosinParser } from './suhosin.js';
import { tine20Format } from './tine20.js';
import { vaultwardenFormat } from './vaultwarden.js';
import { webminParser } from './webmin.js';
import { zoneminderFormat } from './zoneminder.js';

/** Message parsers for web applications (CMS, webmail, admin panels, password managers), routed by program name (appended to the registry's list). */
export const WEBAPPS_PARSERS: readonly MessageParser[] = [webminParser, proxmoxParser, nrpeParser, phpMyAdminParser, froxlorParser, bitwardenParser, sogoParser, hordeParser, drupalParser, suhosinParser];

/** Whole-line formats for web applications (CMS, webmail, admin panels, password managers) (sniffed before the generic JSON and key=value formats). */
export const WEBAPPS_FORMATS: readonly LineFormat[] = [vaultwardenFormat, groupOfficeFormat, directAdminFormat, guacamoleFormat, monitorixFormat, openWebmailFormat, gitlabFormat, grafanaFormat, tine20Format, centreonFormat, squirrelmailFormat, zoneminderFormat];
