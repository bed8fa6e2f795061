import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../core/errors.js';
import type { SealerReply, SealerRequest } from './messages.js';
import { sealPartition } from './seal.js';

const port = parentPort;
if (!port) throw new Error('sealer-worker must run in a worker thread');
const dir = (workerData as { dir: string }).dir;

port.on('message', (req: SealerRequest) => {
  let reply: SealerReply;
  if (req.type === 'close') {
    reply = { type: 'closed' };
  } else {
    const started = performance.now();
    try {
      const r = sealPartition(dir, req.partition);
      reply = { type: 'sealed', partition: req.partition, ...r, ms: performance.now() - started };
    } catch (err) {
      reply = { type: 'error', partition: req.partition, message: errorMessage(err) };
    }
  }
  port.postMessage(reply);
});
