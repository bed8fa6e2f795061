import type { StoredRow } from './row.js';

/**
 * A batch of rows as one byte buffer: moved to the writer thread without copying, and the exact bytes the
 * integrity chain hashes. Per row: f64 ts, then eight strings (six key columns, message, doc), each a u32 byte
 * length (NULL_LEN for null) followed by UTF-8 bytes.
 */
const NULL_LEN = 0xffffffff;
const STRINGS_PER_ROW = 8;

function rowStrings(r: StoredRow): (string | null)[] {
  return [r.sourceIp, r.destinationIp, r.userName, r.hostName, r.dataset, r.outcome, r.message, r.doc];
}

export function encodeBatch(rows: readonly StoredRow[]): Buffer {
  let size = 0;
  for (const r of rows) {
    size += 8;
    for (const s of rowStrings(r)) size += 4 + (s === null ? 0 : Buffer.byteLength(s, 'utf8'));
  }
  const buf = Buffer.allocUnsafe(size);
  let off = 0;
  for (const r of rows) {
    buf.writeDoubleLE(r.ts, off);
    off += 8;
    for (const s of rowStrings(r)) {
      if (s === null) {
        buf.writeUInt32LE(NULL_LEN, off);
        off += 4;
      } else {
        const n = buf.write(s, off + 4, 'utf8');
        buf.writeUInt32LE(n, off);
        off += 4 + n;
      }
    }
  }
  return buf;
}

export function decodeBatch(buf: Uint8Array): StoredRow[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const rows: StoredRow[] = [];
  let off = 0;
  const strs: (string | null)[] = new Array<string | null>(STRINGS_PER_ROW);
  while (off < b.length) {
    const ts = b.readDoubleLE(off);
    off += 8;
    for (let i = 0; i < STRINGS_PER_ROW; i++) {
      const n = b.readUInt32LE(off);
      off += 4;
      if (n === NULL_LEN) strs[i] = null;
      else {
        strs[i] = b.toString('utf8', off, off + n);
        off += n;
      }
    }
    rows.push({
      ts,
      sourceIp: strs[0] ?? null,
      destinationIp: strs[1] ?? null,
      userName: strs[2] ?? null,
      hostName: strs[3] ?? null,
      dataset: strs[4] ?? null,
      outcome: strs[5] ?? null,
      message: strs[6] ?? null,
      doc: strs[7] ?? '',
    });
  }
  return rows;
}
