import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The kernel's drop counter of a UDP socket: the `drops` column of /proc/net/udp (or udp6), the datagrams the kernel
 * discarded because the socket's receive buffer was full. The socket is found by its local port; if other sockets
 * share the port, by the inodes of this process's open sockets. Undefined where /proc is not readable (not Linux).
 */
export function readUdpDrops(port: number, ipv6: boolean, procRoot = '/proc'): number | undefined {
  let text: string;
  try {
    text = readFileSync(`${procRoot}/net/${ipv6 ? 'udp6' : 'udp'}`, 'latin1');
  } catch {
    return undefined;
  }
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const rows: { inode: string; drops: number }[] = [];
  const lines = text.split('\n');
  // bounded: one line per UDP socket of the network namespace
  for (let i = 1; i < lines.length; i++) {
    const cols = (lines[i] as string).trim().split(/\s+/);
    const local = cols[1];
    if (local === undefined || !local.endsWith(portHex) || cols.length < 13) continue;
    const drops = Number(cols[12]);
    if (Number.isFinite(drops)) rows.push({ inode: cols[9] ?? '', drops });
  }
  if (rows.length === 0) return undefined;
  if (rows.length === 1) return (rows[0] as { drops: number }).drops;
  const mine = ownSocketInodes(procRoot);
  const ours = rows.filter((r) => mine.has(r.inode));
  return (ours.length > 0 ? ours : rows).reduce((sum, r) => sum + r.drops, 0);
}

/** Inodes of the sockets this process has open (`socket:[12345]` links under /proc/self/fd). */
function ownSocketInodes(procRoot: string): Set<string> {
  const out = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`${procRoot}/self/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${procRoot}/self/fd/${fd}`));
      if (m?.[1]) out.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}
