// Node's native fast path for the byte primitives (see platform.ts): Buffer's native slices and base64 writer, and
// crypto.hash for SHA-256. Importing this module installs it; only Node entry points import it (src/hash/index.ts,
// src/csv/index.ts). Node-only: the browser entry points (browser.ts) must never import it.
import { Buffer, isAscii, isUtf8 } from 'node:buffer';
import crypto from 'node:crypto';
import { useBytePlatform, type BytePlatform } from './platform.js';

type NativeSlice = (this: Uint8Array, start: number, end: number) => string;
type NativeWrite = (this: Uint8Array, text: string, offset: number, length: number) => number;
const proto = Buffer.prototype as unknown as {
  latin1Slice: NativeSlice;
  hexSlice: NativeSlice;
  utf8Slice: NativeSlice;
  ucs2Slice: NativeSlice;
  base64Slice: NativeSlice;
  base64Write: NativeWrite;
};
// The native methods accept any Uint8Array as `this`, so bytes need not be Buffers.
const { latin1Slice, hexSlice, utf8Slice, ucs2Slice, base64Slice, base64Write } = proto;

// crypto.hash (Node >= 20.12) skips the Hash object, and a string digest skips the Buffer allocation: together about
// 3x cheaper than createHash().digest() for the ~1 KB this codec hashes, which matters on the decode hot path.
type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'hex' | 'latin1') => string;
const oneShot: OneShotHash | undefined = (crypto as unknown as { hash?: OneShotHash }).hash;

// A shared zero block, so the padding check is one native compare instead of a JS loop over ~1900 bytes.
const ZEROS = Buffer.alloc(4096);

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export const nodeBytes: BytePlatform = {
  name: 'node',
  allocUnsafe: (n) => Buffer.allocUnsafe(n),
  wrap: asBuffer,
  // Clamped like Buffer#toString(encoding, start, end): the native slices throw on a range past the end.
  latin1: (b, start, end) => (end <= b.length ? latin1Slice.call(b, start, end) : start < b.length ? latin1Slice.call(b, start, b.length) : ''),
  hex: (b, start, end) => (end <= b.length ? hexSlice.call(b, start, end) : start < b.length ? hexSlice.call(b, start, b.length) : ''),
  utf8: (b, start, end) => (end <= b.length ? utf8Slice.call(b, start, end) : start < b.length ? utf8Slice.call(b, start, b.length) : ''),
  utf16le: (b, start, end) => (end <= b.length ? ucs2Slice.call(b, start, end) : start < b.length ? ucs2Slice.call(b, start, b.length) : ''),
  base64: (b, start, end) => (end <= b.length ? base64Slice.call(b, start, end) : start < b.length ? base64Slice.call(b, start, b.length) : ''),
  // Node's decoder skips characters it does not know and stops at an '=': the count then comes out short.
  base64Into: (target, text) => base64Write.call(target, text, 0, target.length),
  sha256Latin1: (data) => (oneShot !== undefined ? oneShot('sha256', data, 'latin1') : crypto.createHash('sha256').update(data).digest('binary')),
  sha256Hex: (data) => (oneShot !== undefined ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex')),
  firstNonZero(b, start, end) {
    // Compare in ZEROS-sized blocks natively; only a mismatching block is scanned byte by byte.
    const buf = asBuffer(b);
    if (end > b.length) end = b.length;
    for (let o = start; o < end; o += ZEROS.length) {
      const len = Math.min(end - o, ZEROS.length);
      if (buf.compare(ZEROS, 0, len, o, o + len) !== 0) {
        for (let i = o; i < o + len; i++) if (b[i] !== 0) return i;
      }
    }
    return -1;
  },
  isAscii: (b) => isAscii(b),
  isUtf8: (b) => isUtf8(b),
  utf8Bytes: (text) => Buffer.from(text, 'utf8'),
};

useBytePlatform(nodeBytes);
