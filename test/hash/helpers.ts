// Test helpers for the hash codec: hand-built containers for the damage tests. The real-hash corpus is read by
// test/support/real-hashes.ts.
import { createHash } from 'node:crypto';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Builds a container by hand: "OA", the header length, these records, a correct "CS" SHA-256, zero padding.
 *  Damage tests use it for layouts the encoder refuses to write. */
export function assemble(records: { type: number; payload: Uint8Array; length?: number }[], size = 3000): Buffer {
  let total = 4;
  for (const r of records) total += 4 + r.payload.length;
  const b = Buffer.alloc(Math.max(size, total + 36));
  b.write('OA', 0, 'latin1');
  b.writeUInt16LE(total, 2);
  let o = 4;
  for (const r of records) {
    b.writeUInt16LE(r.type, o);
    b.writeUInt16LE(r.length ?? 4 + r.payload.length, o + 2);
    b.set(r.payload, o + 4);
    o += 4 + r.payload.length;
  }
  b.write('CS', total, 'latin1');
  b.writeUInt16LE(36, total + 2);
  createHash('sha256').update(b.subarray(0, total)).digest().copy(b, total + 4);
  return b;
}

/** Re-signs bytes after an edit: recomputes the "CS" SHA-256 at the header length. */
export function resign(bytes: Uint8Array): Buffer {
  const b = Buffer.from(bytes);
  const total = b.readUInt16LE(2);
  createHash('sha256').update(b.subarray(0, total)).digest().copy(b, total + 4);
  return b;
}

/** Offsets of records of `type` in a well-formed container. */
export function recordOffsets(bytes: Uint8Array, type: number): number[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const total = b.readUInt16LE(2);
  const out: number[] = [];
  for (let o = 4; o < total; o += b.readUInt16LE(o + 2)) if (b.readUInt16LE(o) === type) out.push(o);
  return out;
}
