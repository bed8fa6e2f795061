import type { Server } from 'node:tls';

/** The part of Node's native secure context used here: present in Node 20, not part of its documented API. */
interface TicketHooks {
  enableTicketKeyCallback?: unknown;
  onticketkeycallback?: unknown;
}

const ZERO = Buffer.alloc(16);

/**
 * Makes a TLS server issue no session tickets, for every protocol version; false when this Node offers no way to.
 *
 * Syslog senders keep their connections open for hours, so resuming a session buys little, and the key that seals
 * tickets is one more secret that weakens forward secrecy. More to the point: TLS 1.3 sends tickets after the
 * handshake, and a sender that never reads its socket (syslog-ng's loggen, many one-way shippers) still holds them
 * unread when it closes — its kernel then resets the connection instead of closing it, and what it had not yet
 * delivered is lost.
 * OpenSSL issues no ticket when the ticket-key callback answers 0 for a new ticket (and treats a presented one as
 * unknown, so the handshake is a full one). Node 20 has no documented setting for this; the callback is reachable on
 * the native secure context of the server (`enableTicketKeyCallback`, `onticketkeycallback`), used here when present.
 */
export function issueNoTickets(server: Server): boolean {
  const ctx = (server as unknown as { _sharedCreds?: { context?: TicketHooks } })._sharedCreds?.context;
  if (ctx === undefined || typeof ctx.enableTicketKeyCallback !== 'function') return false;
  // [result, HMAC key, AES key, key name, IV]: Node reads all of them before handing the result to OpenSSL
  ctx.onticketkeycallback = (): [number, Buffer, Buffer, Buffer, Buffer] => [0, ZERO, ZERO, ZERO, ZERO];
  (ctx.enableTicketKeyCallback as (this: TicketHooks) => void).call(ctx);
  return true;
}
