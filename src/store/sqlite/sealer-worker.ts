import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../core/errors.js';
import type { SealerReply, SealerRequest } from './messages.js';
import { sealPartition } from './seal.js';

const port = parentPort;
if (!port) throw new Error('sealer-worker must run in a worker thread');
const dir = (workerData as { dir: string }).dir;

/**
 * How much nicer than the rest of the process the sealer runs. Sealing is background work: indexes and full text for
 * a partition already committed and searchable. Under load it gives way to the threads that receive, detect and
 * commit (each waits for less while a seal runs), and it catches up when they rest; appends wait when two partitions
 * wait to be sealed (maxSealBacklog), so it cannot fall behind without bound. Ten steps nicer, it still gets about a
 * tenth of a core against a busy thread.
 */
const SEALER_NICER = 10;

// Linux keeps a nice value per thread, and 0 is this worker's own thread (it starts with its creator's value).
// Elsewhere the call would renice the whole process: there sealing runs at the process's priority.
if (process.platform === 'linux') {
  try {
    setPriority(0, Math.min(19, getPriority(0) + SEALER_NICER));
  } catch {
    // a system that does not allow it: sealing runs at the process's priority
  }
}

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
