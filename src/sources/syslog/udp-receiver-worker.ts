import { createSocket, type RemoteInfo } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { errorCode, errorText } from './common.js';
import { CLOSING, TAKEN, TAKEN_BYTES, type UdpFromReceiver, type UdpReceiverInit, type UdpToReceiver } from './udp-messages.js';

/**
 * The syslog UDP source's receiver thread: it only reads datagrams and hands them to the source in batches, so that
 * the kernel's receive buffer is emptied while the main thread parses, detects or answers a search. What it read but
 * the source has not taken yet is bounded (`maxPending` datagrams, `maxPendingBytes`): at the bound it stops reading until the source takes some,
 * and the kernel's buffer holds what comes meanwhile (what does not fit there the kernel drops, and the source counts
 * from /proc).
 */
const parent = parentPort;
if (!parent) throw new Error('udp-receiver-worker must run in a worker thread');
const init = workerData as UdpReceiverInit;

/** datagrams per batch at most (peer indexes are 16-bit) */
const MAX_BATCH = 512;
/** a forgotten test hold ends after this long */
const MAX_HOLD_MS = 60_000;
/** a receiver waiting for room looks at the source's CLOSING flag at least this often */
const ROOM_WAIT_MS = 100;

const post = (m: UdpFromReceiver, transfer?: ArrayBuffer[]): void => parent.postMessage(m, transfer);

const shared = new Int32Array(init.shared);
/** datagrams and their bytes handed to the source so far (wrapping, as TAKEN and TAKEN_BYTES) */
let posted = 0;
let postedBytes = 0;
/** Whether `n` more datagrams of `b` more bytes than those handed to the source and not taken yet pass the bound. */
const full = (n: number, b: number): boolean =>
  ((posted - Atomics.load(shared, TAKEN)) | 0) + n >= init.maxPending || ((postedBytes - Atomics.load(shared, TAKEN_BYTES)) | 0) + b >= init.maxPendingBytes;
let batch: Buffer[] = [];
let peers: RemoteInfo[] = [];
let bytes = 0;
let flushScheduled = false;
let closing = false;

/** Blocks this thread (no datagram is read) while what waits for the source is at the bound and it is not closing. */
function waitForRoom(): void {
  for (;;) {
    const taken = Atomics.load(shared, TAKEN);
    if (!full(0, 0) || Atomics.load(shared, CLOSING) !== 0) return;
    Atomics.wait(shared, TAKEN, taken, ROOM_WAIT_MS);
  }
}

/** The datagrams read since the last batch, as one message (their bytes back to back, transferred, not copied). */
function flush(): void {
  flushScheduled = false;
  const n = batch.length;
  if (n === 0) return;
  const data = new Uint8Array(bytes);
  const lengths = new Uint32Array(n);
  const peerIdx = new Uint16Array(n);
  const ports = new Uint16Array(n);
  const addresses: string[] = [];
  const addressIdx = new Map<string, number>();
  let off = 0;
  for (let i = 0; i < n; i++) {
    const msg = batch[i] as Buffer;
    const r = peers[i] as RemoteInfo;
    data.set(msg, off);
    off += msg.length;
    lengths[i] = msg.length;
    let a = addressIdx.get(r.address);
    if (a === undefined) {
      a = addresses.length;
      addresses.push(r.address);
      addressIdx.set(r.address, a);
    }
    peerIdx[i] = a;
    ports[i] = r.port;
  }
  batch = [];
  peers = [];
  posted = (posted + n) | 0;
  postedBytes = (postedBytes + bytes) | 0;
  bytes = 0;
  post({ type: 'batch', data, lengths, peers: peerIdx, ports, addresses, at: Date.now() }, [data.buffer, lengths.buffer, peerIdx.buffer, ports.buffer]);
}

const socket = createSocket({ type: isIPv6(init.host) ? 'udp6' : 'udp4', ...(init.receiveBufferBytes > 0 ? { recvBufferSize: init.receiveBufferBytes } : {}) });

socket.on('message', (msg, rinfo) => {
  if (full(batch.length + 1, bytes + msg.length)) {
    // the source is behind: what was read goes to it, then nothing more is read until it takes some
    flush();
    waitForRoom();
  }
  batch.push(msg);
  peers.push(rinfo);
  bytes += msg.length;
  // libuv reads a burst of datagrams in one turn: they go out together once it is read
  if (batch.length >= MAX_BATCH) flush();
  else if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
});

socket.once('error', (err) => {
  post({ type: 'bind-error', code: errorCode(err), message: errorText(err) });
  socket.close();
  parent.close();
});

socket.bind(init.port, init.host, () => {
  socket.removeAllListeners('error');
  socket.on('error', (err) => post({ type: 'socket-error', code: errorCode(err), message: errorText(err) }));
  let receiveBufferBytes: number | undefined;
  try {
    receiveBufferBytes = socket.getRecvBufferSize();
  } catch {
    receiveBufferBytes = undefined;
  }
  post({ type: 'listening', port: socket.address().port, receiveBufferBytes });
});

parent.on('message', (m: UdpToReceiver) => {
  if (m.type === 'hold') {
    post({ type: 'held' });
    const until = Date.now() + MAX_HOLD_MS;
    while (Atomics.load(m.flag, 0) !== 0 && Date.now() < until) Atomics.wait(m.flag, 0, 1, 100);
  } else if (!closing) {
    closing = true;
    socket.close(() => {
      flush();
      post({ type: 'closed' });
      parent.close();
    });
  }
});
