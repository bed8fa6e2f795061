/** What the syslog UDP source tells its receiver thread, and what the receiver tells it back. */

export interface UdpReceiverInit {
  host: string;
  port: number;
  /** SO_RCVBUF asked for; 0 = the system default */
  receiveBufferBytes: number;
  /**
   * Datagrams read but not yet taken by the source at most: when so many wait, the receiver reads nothing more until
   * the source takes some (what arrives meanwhile waits in the kernel's buffer, and what does not fit there the kernel
   * drops and counts).
   */
  maxPending: number;
  /** the same bound in bytes (the datagrams' own bytes) */
  maxPendingBytes: number;
  /** Int32 slots shared with the source: TAKEN, TAKEN_BYTES and CLOSING */
  shared: SharedArrayBuffer;
}

/** slot of `shared`: datagrams the source took so far (a wrapping 32-bit count) */
export const TAKEN = 0;
/** slot of `shared`: the bytes of the datagrams the source took so far (wrapping) */
export const TAKEN_BYTES = 1;
/** slot of `shared`: 1 once the source stops (a receiver waiting for room gives up waiting) */
export const CLOSING = 2;
/** Int32 slots in `shared` */
export const SHARED_SLOTS = 3;

export type UdpToReceiver =
  /** stop reading, deliver what was read, answer `closed` */
  | { type: 'close' }
  /** (tests) stop reading until `flag[0]` is set back to 0 — the receive buffer then fills as it would under load */
  | { type: 'hold'; flag: Int32Array };

export type UdpFromReceiver =
  | { type: 'listening'; port: number; receiveBufferBytes: number | undefined }
  | { type: 'bind-error'; code: string; message: string }
  /**
   * Datagrams in the order read: `data` holds them back to back, `lengths[i]` bytes each; each from
   * `addresses[peers[i]]:ports[i]` (a burst mostly comes from few peers: each address is sent once per batch).
   */
  | { type: 'batch'; data: Uint8Array; lengths: Uint32Array; peers: Uint16Array; ports: Uint16Array; addresses: string[]; at: number }
  | { type: 'socket-error'; code: string; message: string }
  /** (tests) the receiver stopped reading (see `hold`) */
  | { type: 'held' }
  | { type: 'closed' };
