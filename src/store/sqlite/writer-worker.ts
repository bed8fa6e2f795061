import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { errorMessage, systemErrorCode } from '../../core/errors.js';
import { decodeText, HotWriter, type DecodedBatch } from './hot-writer.js';
import type { WriterInit, WriterReply, WriterRequest } from './messages.js';

const port = parentPort;
if (!port) throw new Error('writer-worker must run in a worker thread');
const init = workerData as WriterInit;

function send(msg: WriterReply): void {
  port?.postMessage(msg);
}

let writer: HotWriter | undefined;
try {
  writer = new HotWriter(init);
  send({ type: 'ready', ...writer.hotCount() });
} catch (err) {
  const code = systemErrorCode(err);
  send({ type: 'error', id: 0, message: errorMessage(err), ...(code ? { code } : {}) });
}

/** Appends committed in one transaction at most (what waited while the writer was busy, up to this many rows). */
const GROUP_ROWS = 20_000;

function fail(id: number, err: unknown): void {
  const code = systemErrorCode(err);
  send({ type: 'error', id, message: errorMessage(err), ...(code ? { code } : {}) });
}

/**
 * An append and the appends queued behind it, committed together (group commit: one sync to disk instead of one per
 * append). A batch that cannot be decoded fails alone; the others commit. Returns a request that was not an append
 * (read from the queue while gathering), to be handled next.
 */
function appendGroup(w: HotWriter, first: WriterRequest & { type: 'append' }): WriterRequest | undefined {
  const ids: number[] = [];
  const items: DecodedBatch[] = [];
  let rows = 0;
  let next: WriterRequest | undefined = first;
  while (next?.type === 'append') {
    try {
      const decoded = decodeText(next.batch);
      items.push({ rows: decoded, text: next.batch, state: next.state ?? [] });
      ids.push(next.id);
      rows += decoded.length;
    } catch (err) {
      fail(next.id, err);
    }
    next = undefined;
    if (rows >= GROUP_ROWS || !port) break;
    next = receiveMessageOnPort(port)?.message as WriterRequest | undefined;
  }
  if (items.length > 0) {
    try {
      const infos = w.appendMany(items);
      infos.forEach((c, i) =>
        send({ type: 'committed', id: ids[i] ?? 0, batch: c.batch, partition: c.partition, walBytes: c.walBytes, ...(c.rotated !== undefined ? { rotated: c.rotated } : {}), ...w.hotCount() }),
      );
    } catch (err) {
      for (const id of ids) fail(id, err);
    }
  }
  return next;
}

function handle(req: WriterRequest): void {
  const w = writer;
  try {
    if (!w) throw new Error('store writer failed to open');
    switch (req.type) {
      case 'append': {
        const rest = appendGroup(w, req);
        if (rest) handle(rest);
        break;
      }
      case 'checkpoint':
        send({ type: 'checkpointed', id: req.id, ...w.checkpoint() });
        break;
      case 'rotate': {
        const rotated = w.maybeRotate(Date.now(), req.force);
        send({ type: 'rotated', id: req.id, ...(rotated !== undefined ? { rotated } : {}), ...w.hotCount() });
        break;
      }
      case 'close':
        w.close();
        writer = undefined;
        send({ type: 'closed', id: req.id });
        break;
    }
  } catch (err) {
    fail(req.id, err);
  }
}

port.on('message', handle);
