import type { EcsEvent } from '../schema/event.js';

/** A record as a codec hands it to parsers: one line or message, with where it came from. */
export interface RawRecord {
  message: string;
  receivedAt: number;
  /** the sender's address, for network sources */
  peer?: { address: string; port: number };
  /** hints for routing: an explicit format, a file path, a source id */
  format?: string;
  file?: string;
  source?: string;
  /** tags the source already knows (`_truncated`); the parser adds them to the event */
  tags?: readonly string[];
  /**
   * A UTF-8 byte order mark the source left out of `message` when decoding it, at this index: the parser drops it
   * where it begins an RFC 5424 MSG (as it would drop it there anyway) and puts it back anywhere else.
   */
  bomAt?: number;
}

/** Maps a record to an ECS event. Never throws for bad input: what it cannot understand is kept raw and tagged. */
export interface Parser {
  readonly name: string;
  parse(record: RawRecord): EcsEvent;
}

/** Turns bytes into records (framing, headers). Keeps partial input between calls. */
export interface Codec {
  decode(chunk: Buffer): string[];
  /** what is left at end of input */
  flush(): string[];
}

/** Moves bytes from the outside world into the pipeline; knows its peer. */
export interface Source {
  readonly id: string;
  start(): Promise<void>;
  /** stop accepting input; resolves when what was accepted has been handed on */
  stop(): Promise<void>;
  /** state for /api/v1/health (listening addresses, connections, files followed, …) */
  health?(): Record<string, unknown>;
}

/** Sees every event on the stream before it is stored (detection runs here). Must be fast and must not throw. */
export interface StreamTransform {
  readonly name: string;
  process(events: readonly EcsEvent[]): void;
}
