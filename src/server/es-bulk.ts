import { randomBytes } from 'node:crypto';
import type { Parser, RawRecord } from '../core/component.js';
import { isObject, isParseFailure, setPath, getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';

/**
 * The Elasticsearch bulk body: NDJSON pairs of an action line and, for index/create/update, a source line.
 * `index` and `create` store their source; `update` and `delete` are answered per item (the event store is
 * append-only); a source that is not a JSON object fails only its own item. A line that is not an action at all makes
 * the rest unreadable, so (as in Elasticsearch) it fails the whole request.
 */

export type BulkAction = 'index' | 'create' | 'update' | 'delete';

export interface BulkItemError {
  type: string;
  reason: string;
}

export interface BulkItem {
  action: BulkAction;
  index: string;
  id: string;
  /** the document to store; absent when the item failed */
  doc?: EcsEvent;
  /** the ingest pipeline named in the action or the URL */
  pipeline?: string;
  status: number;
  error?: BulkItemError;
}

export type BulkParse = { ok: true; items: BulkItem[] } | { ok: false; status: number; type: string; reason: string };

const ACTIONS = new Set<string>(['index', 'create', 'update', 'delete']);
const MAX_REASON = 200;

/** An id as Elasticsearch makes them: 20 URL-safe base64 characters. */
export function newDocId(): string {
  return randomBytes(15).toString('base64url');
}

function lineAt(body: string, start: number): { text: string; next: number } {
  let end = body.indexOf('\n', start);
  if (end === -1) end = body.length;
  let text = body.slice(start, end);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  return { text, next: end + 1 };
}

function malformed(line: number, reason: string): BulkParse {
  return { ok: false, status: 400, type: 'illegal_argument_exception', reason: `Malformed action/metadata line [${line}], ${reason}` };
}

function idOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v.length > 0 && v.length <= 512) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Splits a bulk body into items. `defaultIndex` comes from the URL (`/{index}/_bulk`). */
export function parseBulk(body: string, defaultIndex: string | undefined, defaultPipeline: string | undefined): BulkParse {
  const items: BulkItem[] = [];
  let pos = 0;
  let lineNo = 0;
  while (pos < body.length) {
    const { text, next } = lineAt(body, pos);
    pos = next;
    lineNo++;
    if (text.trim().length === 0) continue;
    let action: unknown;
    try {
      action = JSON.parse(text);
    } catch {
      return malformed(lineNo, 'expected START_OBJECT but the line is not JSON');
    }
    if (!isObject(action)) return malformed(lineNo, 'expected START_OBJECT');
    const keys = Object.keys(action);
    const name = keys[0];
    if (keys.length !== 1 || name === undefined || !ACTIONS.has(name)) {
      return malformed(lineNo, `expected field [create], [delete], [index] or [update] but found [${String(name).slice(0, 60)}]`);
    }
    const kind = name as BulkAction;
    const meta = action[name];
    if (!isObject(meta)) return malformed(lineNo, `expected an object for [${kind}]`);
    const index = typeof meta['_index'] === 'string' && meta['_index'].length > 0 ? meta['_index'] : defaultIndex;
    const id = idOf(meta['_id']);
    const pipeline = typeof meta['pipeline'] === 'string' ? meta['pipeline'] : defaultPipeline;
    let sourceText: string | undefined;
    if (kind !== 'delete') {
      // the source line follows (blank lines between are tolerated)
      while (pos < body.length) {
        const src = lineAt(body, pos);
        pos = src.next;
        lineNo++;
        if (src.text.trim().length > 0) {
          sourceText = src.text;
          break;
        }
      }
      if (sourceText === undefined) return { ok: false, status: 400, type: 'illegal_argument_exception', reason: `the ${kind} action on line ${lineNo} has no source line` };
    }
    const base = { action: kind, index: index ?? '', id: id ?? newDocId() };
    if (kind === 'delete' || kind === 'update') {
      items.push({
        ...base,
        id: id ?? '',
        status: 400,
        error: { type: 'illegal_argument_exception', reason: `the ${kind} action is not supported: stored events are immutable (use index or create)` },
      });
      continue;
    }
    if (index === undefined) {
      items.push({ ...base, status: 400, error: { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: index is missing;' } });
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(sourceText as string);
    } catch (err) {
      items.push({
        ...base,
        status: 400,
        error: { type: 'document_parsing_exception', reason: `[${lineNo}:1] failed to parse: ${(err as Error).message.slice(0, MAX_REASON)}` },
      });
      continue;
    }
    if (!isObject(doc)) {
      items.push({ ...base, status: 400, error: { type: 'document_parsing_exception', reason: `[${lineNo}:1] failed to parse: the source is not a JSON object` } });
      continue;
    }
    items.push({ ...base, doc, status: 201, ...(pipeline !== undefined ? { pipeline } : {}) });
  }
  return { ok: true, items };
}

export const LABELS_INDEX = 'labels.index';
export const LABELS_PIPELINE = 'labels.pipeline';
const DS_TYPE = 'data_stream.type';
const DS_DATASET = 'data_stream.dataset';
const DS_NAMESPACE = 'data_stream.namespace';

/** Data stream names are `type-dataset-namespace` (e.g. logs-nginx.access-default). */
const DATA_STREAM = /^(logs|metrics|traces|synthetics|profiling)-([^-]{1,100})-([^-]{1,100})$/;

/** Keeps where a client meant a document to go: the index (labels.index), the ingest pipeline, the data stream. */
export function annotate(doc: EcsEvent, index: string, pipeline: string | undefined): void {
  setPath(doc, LABELS_INDEX, index.slice(0, 255));
  if (pipeline !== undefined) setPath(doc, LABELS_PIPELINE, pipeline.slice(0, 256));
  const m = DATA_STREAM.exec(index);
  if (m && getPath(doc, DS_TYPE) === undefined && doc[DS_TYPE] === undefined) {
    setPath(doc, DS_TYPE, m[1]);
    setPath(doc, DS_DATASET, m[2]);
    setPath(doc, DS_NAMESPACE, m[3]);
  }
  const ds = getPath(doc, DS_DATASET);
  if (typeof ds === 'string' && getPath(doc, F.eventDataset) === undefined) setPath(doc, F.eventDataset, ds);
}

/** Fields in which the line parser's reading of a shipped line wins over what the shipper sent. */
const PARSER_WINS = [F.timestamp, F.eventDataset, F.eventCategory, F.eventType, F.eventAction, F.eventOutcome];

function fillMissing(target: Record<string, unknown>, src: Record<string, unknown>, depth: number): void {
  for (const [k, v] of Object.entries(src)) {
    if (k === '__proto__') continue;
    const have = Object.hasOwn(target, k) ? target[k] : undefined;
    if (have === undefined) target[k] = v;
    else if (depth < 16 && isObject(have) && isObject(v)) fillMissing(have, v, depth + 1);
  }
}

/**
 * Shippers such as Filebeat, Fluent Bit and Vector send log lines unparsed, in `message`. When a document carries
 * such a line (and no event.original), the line parser reads it as if it had come over syslog: what it finds fills
 * the fields the shipper did not send, and its time and event classification (dataset, category, type, action,
 * outcome) replace the shipper's, so detection sees an sshd line as sshd whatever carried it. A line no parser
 * understands leaves the document exactly as sent. Returns whether the line was parsed.
 */
export function parseShippedLine(doc: EcsEvent, parser: Parser, base: Omit<RawRecord, 'message'>): boolean {
  const message = doc[F.message];
  if (typeof message !== 'string' || message.length === 0 || getPath(doc, F.eventOriginal) !== undefined) return false;
  // a line read from a CRLF file keeps its CR in some shippers (rsyslog's imfile): it is not part of the line
  const line = message.endsWith('\r\n') ? message.slice(0, -2) : message.endsWith('\r') || message.endsWith('\n') ? message.slice(0, -1) : message;
  const parsed = parser.parse({ ...base, message: line });
  if (isParseFailure(parsed)) return false;
  for (const field of PARSER_WINS) {
    const v = getPath(parsed, field);
    if (v !== undefined) setPath(doc, field, v);
  }
  fillMissing(doc, parsed, 0);
  return true;
}
