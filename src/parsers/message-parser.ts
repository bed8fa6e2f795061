import type { EcsEvent } from '../schema/event.js';

/**
 * Maps the message of a syslog-style line (the text after the header) to ECS fields. Routed by the syslog program
 * name; `any` parsers are also tried for every program (PAM modules log under the calling program's name).
 * Must not throw, must run in time linear in the message length (attacker-controlled text), and must leave fields it
 * does not recognise unset.
 */
export interface MessageParser {
  /** the name `--format` and `?format=` use */
  readonly name: string;
  /** event.dataset of the events it recognises */
  readonly dataset: string;
  /** lower-case syslog program names routed here */
  readonly programs: readonly string[];
  /** tried for messages of every program when the program's own parser did not recognise them */
  readonly any?: boolean;
  /** sets ECS fields on `event`; false when it does not recognise the message (nothing is then set) */
  parse(message: string, event: EcsEvent): boolean;
}

/**
 * Recognises whole lines that have no syslog header (web server access logs, CEF, JSON, …), chosen by `sniff` or by
 * an explicit format name.
 */
export interface LineFormat {
  readonly name: string;
  readonly dataset: string;
  /** cheap test: could this line be in this format? */
  sniff(line: string): boolean;
  /** sets ECS fields (including @timestamp when the line has one); false when the line is not in this format */
  parse(line: string, event: EcsEvent): boolean;
}

/** Sets several dotted fields at once. */
export type FieldMap = Record<string, unknown>;
