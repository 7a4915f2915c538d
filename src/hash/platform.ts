// The byte primitives the codec and the CSV toolkit need, behind one small interface so the domain code runs
// unchanged in a browser (issue 10: the web console validates CSVs and decodes hashes with the CLI's code).
//
// `portableBytes` is plain ECMAScript on Uint8Array (plus TextEncoder/TextDecoder, which every browser and Node
// have): base64, hex, latin1/UTF-16 slices, UTF-8 checks and a pure SHA-256. It is the default. Node installs its
// native fast path (Buffer's latin1Slice/base64Write, crypto.hash) with `useBytePlatform`, from platform-node.ts,
// which only the Node entry points (src/hash/index.ts, src/csv/index.ts) import; the browser entry points
// (browser.ts) never do. Both implementations must give identical results: test/hash/platform.test.ts holds them
// equal, and test/architecture/isomorphic.test.ts runs the bundled browser entry points without any Node global.
//
// This file must stay browser-safe: no node:* import, no Buffer, no process (ESLint enforces it).

export interface BytePlatform {
  readonly name: string;
  /** A byte array of n bytes, contents unspecified (scratch buffers). */
  allocUnsafe(n: number): Uint8Array;
  /** Wraps bytes in the platform's preferred byte type without copying (Node: a Buffer). */
  wrap(bytes: Uint8Array): Uint8Array;
  /** b[start, end) as a string of one character per byte. */
  latin1(b: Uint8Array, start: number, end: number): string;
  /** b[start, end) as lower-case hex. */
  hex(b: Uint8Array, start: number, end: number): string;
  /** b[start, end) decoded as UTF-8 (invalid sequences become U+FFFD). */
  utf8(b: Uint8Array, start: number, end: number): string;
  /** b[start, end) as UTF-16LE code units, lossless (lone surrogates stay as they are). */
  utf16le(b: Uint8Array, start: number, end: number): string;
  /** Standard padded base64 of b[start, end). */
  base64(b: Uint8Array, start: number, end: number): string;
  /** Decodes standard base64 `text` (padded to a multiple of 4) into target[0…]; returns the byte count. Any
   *  character outside the alphabet, or an '=' before the end, makes the count differ from 3/4 of the data
   *  characters (the caller checks exactly that and then finds the culprit itself). `target` must hold the
   *  expected length + 4. */
  base64Into(target: Uint8Array, text: string): number;
  /** SHA-256 of the bytes as 32 latin1 characters (one per byte). */
  sha256Latin1(data: Uint8Array): string;
  /** SHA-256 of the bytes as lower-case hex. */
  sha256Hex(data: Uint8Array): string;
  /** Index of the first non-zero byte in b[start, end), or -1. */
  firstNonZero(b: Uint8Array, start: number, end: number): number;
  /** True when every byte is < 0x80. */
  isAscii(b: Uint8Array): boolean;
  /** True when the bytes are valid UTF-8. */
  isUtf8(b: Uint8Array): boolean;
  /** The UTF-8 bytes of a string. */
  utf8Bytes(text: string): Uint8Array;
}

// ---- Portable implementation -----------------------------------------------------------------------------------

const HEX_PAIRS: string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));
/** Value of each char code below 128 in the standard alphabet; 255 for any other. */
const B64_VALUE = new Uint8Array(128).fill(255);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;

const CHUNK = 0x2000;

function codesToString(codes: ArrayLike<number> & { subarray(start: number, end: number): ArrayLike<number> }, start: number, end: number): string {
  if (end <= start) return '';
  if (end - start <= 16) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(codes[i]);
    return s;
  }
  if (end - start <= CHUNK) return String.fromCharCode.apply(null, codes.subarray(start, end) as unknown as number[]);
  const parts: string[] = [];
  for (let i = start; i < end; i += CHUNK) {
    parts.push(String.fromCharCode.apply(null, codes.subarray(i, Math.min(end, i + CHUNK)) as unknown as number[]));
  }
  return parts.join('');
}

let utf8Decoder: { decode(b: Uint8Array): string } | null = null;
let utf8Encoder: { encode(text: string): Uint8Array } | null = null;

/**
 * Length of the valid UTF-8 sequence starting at `i` (a lead byte >= 0x80), 0 when it is not valid, -1 when it may
 * continue past `end` (the CSV decoder holds such bytes back for the next chunk).
 */
export function utf8SequenceLength(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f;
  } else return 0;
  for (let k = 1; k <= need; k++) {
    if (i + k >= end) return -1;
    const t = b[i + k];
    if (k === 1 ? t < lo || t > hi : t < 0x80 || t > 0xbf) return 0;
  }
  return need + 1;
}

function isUtf8Portable(b: Uint8Array): boolean {
  const end = b.length;
  let i = 0;
  while (i < end) {
    if (b[i] < 0x80) {
      i++;
      continue;
    }
    const n = utf8SequenceLength(b, i, end);
    if (n <= 0) return false;
    i += n;
  }
  return true;
}

export const portableBytes: BytePlatform = {
  name: 'portable',
  allocUnsafe: (n) => new Uint8Array(n),
  wrap: (bytes) => bytes,
  latin1: (b, start, end) => codesToString(b, start, Math.min(end, b.length)),
  hex(b, start, end) {
    end = Math.min(end, b.length);
    if (end <= start) return '';
    const parts = new Array<string>(end - start);
    for (let i = start; i < end; i++) parts[i - start] = HEX_PAIRS[b[i]];
    return parts.join('');
  },
  utf8(b, start, end) {
    utf8Decoder ??= new TextDecoder('utf-8');
    return utf8Decoder.decode(b.subarray(start, end));
  },
  utf16le(b, start, end) {
    end = Math.min(end, b.length);
    if (end <= start) return '';
    const n = (end - start) >> 1;
    const units = new Uint16Array(n);
    for (let k = 0, i = start; k < n; k++, i += 2) units[k] = b[i] | (b[i + 1] << 8);
    return codesToString(units, 0, n);
  },
  base64(b, start, end) {
    end = Math.min(end, b.length);
    if (end <= start) return '';
    const n = end - start;
    const out = new Uint8Array(((n + 2) / 3) << 2);
    let k = 0;
    let i = start;
    for (; i + 2 < end; i += 3) {
      const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
      out[k++] = B64_CODES[v >> 18];
      out[k++] = B64_CODES[(v >> 12) & 63];
      out[k++] = B64_CODES[(v >> 6) & 63];
      out[k++] = B64_CODES[v & 63];
    }
    if (end - i === 1) {
      const v = b[i] << 16;
      out[k++] = B64_CODES[v >> 18];
      out[k++] = B64_CODES[(v >> 12) & 63];
      out[k++] = 61;
      out[k++] = 61;
    } else if (end - i === 2) {
      const v = (b[i] << 16) | (b[i + 1] << 8);
      out[k++] = B64_CODES[v >> 18];
      out[k++] = B64_CODES[(v >> 12) & 63];
      out[k++] = B64_CODES[(v >> 6) & 63];
      out[k++] = 61;
    }
    return codesToString(out, 0, k);
  },
  base64Into(target, text) {
    let dataEnd = text.length;
    while (dataEnd > 0 && text.charCodeAt(dataEnd - 1) === 61) dataEnd--;
    let k = 0;
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < dataEnd; i++) {
      const c = text.charCodeAt(i);
      const v = c < 128 ? B64_VALUE[c] : 255;
      if (v === 255) return k; // short: the caller's length check fails and it locates the character
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        target[k++] = (acc >> bits) & 0xff;
      }
    }
    return k;
  },
  sha256Latin1: (data) => {
    const d = sha256(data);
    return codesToString(d, 0, 32);
  },
  sha256Hex: (data) => {
    const d = sha256(data);
    let s = '';
    for (let i = 0; i < 32; i++) s += HEX_PAIRS[d[i]];
    return s;
  },
  firstNonZero(b, start, end) {
    end = Math.min(end, b.length);
    for (let i = start; i < end; i++) if (b[i] !== 0) return i;
    return -1;
  },
  isAscii(b) {
    for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) return false;
    return true;
  },
  isUtf8: isUtf8Portable,
  utf8Bytes(text) {
    utf8Encoder ??= new TextEncoder();
    return utf8Encoder.encode(text);
  },
};

// ---- SHA-256 (FIPS 180-4), pure ----------------------------------------------------------------------------------

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const W = new Int32Array(64);
const H = new Int32Array(8);
const TAIL = new Uint8Array(128);

function compress(b: Uint8Array, o: number): void {
  for (let t = 0; t < 16; t++, o += 4) W[t] = (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
  for (let t = 16; t < 64; t++) {
    const x = W[t - 15];
    const y = W[t - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
  }
  let a = H[0];
  let bb = H[1];
  let c = H[2];
  let d = H[3];
  let e = H[4];
  let f = H[5];
  let g = H[6];
  let h = H[7];
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[t] + W[t]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & bb) ^ (a & c) ^ (bb & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = bb;
    bb = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0] + a) | 0;
  H[1] = (H[1] + bb) | 0;
  H[2] = (H[2] + c) | 0;
  H[3] = (H[3] + d) | 0;
  H[4] = (H[4] + e) | 0;
  H[5] = (H[5] + f) | 0;
  H[6] = (H[6] + g) | 0;
  H[7] = (H[7] + h) | 0;
}

/** SHA-256 digest of `data` (32 bytes). */
export function sha256(data: Uint8Array): Uint8Array {
  H.set([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const n = data.length;
  const full = n - (n % 64);
  for (let o = 0; o < full; o += 64) compress(data, o);
  const rest = n - full;
  TAIL.fill(0);
  TAIL.set(data.subarray(full), 0);
  TAIL[rest] = 0x80;
  const blocks = rest + 9 <= 64 ? 1 : 2;
  const end = blocks * 64;
  const bitsHigh = Math.floor(n / 0x2000_0000);
  const bitsLow = (n << 3) >>> 0;
  TAIL[end - 8] = bitsHigh >>> 24;
  TAIL[end - 7] = (bitsHigh >>> 16) & 0xff;
  TAIL[end - 6] = (bitsHigh >>> 8) & 0xff;
  TAIL[end - 5] = bitsHigh & 0xff;
  TAIL[end - 4] = bitsLow >>> 24;
  TAIL[end - 3] = (bitsLow >>> 16) & 0xff;
  TAIL[end - 2] = (bitsLow >>> 8) & 0xff;
  TAIL[end - 1] = bitsLow & 0xff;
  compress(TAIL, 0);
  if (blocks === 2) compress(TAIL, 64);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = H[i];
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = (v >>> 16) & 0xff;
    out[i * 4 + 2] = (v >>> 8) & 0xff;
    out[i * 4 + 3] = v & 0xff;
  }
  return out;
}

// ---- The installed platform --------------------------------------------------------------------------------------

/** The platform in use: portable until a Node entry point installs the native one. */
export let bytes: BytePlatform = portableBytes;

/** Installs a platform (platform-node.ts does, at import). Call it before decoding anything: scratch buffers
 *  allocated before keep working either way, since every implementation accepts any Uint8Array. */
export function useBytePlatform(platform: BytePlatform): void {
  bytes = platform;
}
