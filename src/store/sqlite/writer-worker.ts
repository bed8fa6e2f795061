import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage, systemErrorCode } from '../../core/errors.js';
import { HotWriter } from './hot-writer.js';
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

port.on('message', (req: WriterRequest) => {
  const w = writer;
  try {
    if (!w) throw new Error('store writer failed to open');
    switch (req.type) {
      case 'append': {
        const c = w.append(req.batch, req.state);
        send({ type: 'committed', id: req.id, batch: c.batch, partition: c.partition, walBytes: c.walBytes, ...(c.rotated !== undefined ? { rotated: c.rotated } : {}), ...w.hotCount() });
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
    const code = systemErrorCode(err);
    send({ type: 'error', id: req.id, message: errorMessage(err), ...(code ? { code } : {}) });
  }
});
