// Little-endian readers, hex and GUID formatting, the record-1 clock and SHA-256. Kept allocation-free where the
// decoder's hot path uses them.
import { bytes as platform } from './platform.js';

export function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

export function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** u64 as a number; exact up to 2^53 (the decoder keeps the raw bytes when a value is larger). */
export function u64(b: Uint8Array, o: number): number {
  return u32(b, o + 4) * 0x1_0000_0000 + u32(b, o);
}

export function putU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}

export function putU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

export function putU64(b: Uint8Array, o: number, v: number): void {
  putU32(b, o, v % 0x1_0000_0000);
  putU32(b, o + 4, Math.floor(v / 0x1_0000_0000));
}

/** b[start, end) as a plain Uint8Array view (no copy). Cheaper than a Buffer's subarray, which builds a Buffer
 *  through its species constructor: this is what the decode hot path hands to SHA-256. */
export function view(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset + start, end - start);
}

/** The bytes in the platform's preferred type (Node: a Buffer), without copying. */
export function asBuffer(bytes: Uint8Array): Uint8Array {
  return platform.wrap(bytes);
}

const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

// Short formatted values (GUIDs, MACs, timestamps) are written as ASCII codes into this scratch buffer and turned
// into a string by one latin1 slice: in Node a flat string in one native call. Building them by concatenation costs
// more, as does the flattening V8 does on first use of the cons string that concatenation leaves.
const OUT = new Uint8Array(64);

/** Writes byte x as two hex digits at OUT[k]. */
function putHex(k: number, x: number): void {
  OUT[k] = HEX_CODES[x >> 4];
  OUT[k + 1] = HEX_CODES[x & 15];
}

/** Lower-case hex of b[start, end). */
export function hexOf(b: Uint8Array, start: number, end: number): string {
  return platform.hex(b, start, end);
}

export function macOf(b: Uint8Array, o: number): string {
  for (let i = 0; i < 6; i++) {
    putHex(i * 3, b[o + i]);
    OUT[i * 3 + 2] = 0x3a; // ':'
  }
  return platform.latin1(OUT, 0, 17);
}

/** Byte order of `guidOf`'s 16 hex pairs. */
const GUID_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

/** 16 bytes as Windows prints a GUID (`new Guid(bytes)`): the first three fields are little-endian. */
export function guidOf(b: Uint8Array, o: number): string {
  let k = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) OUT[k++] = 0x2d; // '-'
    putHex(k, b[o + GUID_ORDER[i]]);
    k += 2;
  }
  return platform.latin1(OUT, 0, 36);
}

/** Parses hex (either case; `separators` are dropped first) into bytes; null when it is not whole bytes of hex. */
export function parseHex(text: string, separators = ''): Uint8Array | null {
  let digits = text;
  if (separators !== '') for (const sep of separators) digits = digits.split(sep).join('');
  if (digits.length % 2 !== 0) return null;
  const out = new Uint8Array(digits.length >> 1);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(digits.charCodeAt(2 * i));
    const lo = hexValue(digits.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Inverse of `guidOf`; null unless `8-4-4-4-12` hex. */
export function parseGuid(text: string): Uint8Array | null {
  if (text.length !== 36 || text[8] !== '-' || text[13] !== '-' || text[18] !== '-' || text[23] !== '-') return null;
  const be = parseHex(text, '-');
  if (be === null || be.length !== 16) return null;
  const out = new Uint8Array(16);
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  for (let i = 0; i < 16; i++) out[order[i]] = be[i];
  return out;
}

// ---- Record 1 clock: u32 seconds since 2000-01-01T00:00:00Z -----------------------------------------------------

const EPOCH_2000_DAYS = 10957; // days from 1970-01-01 to 2000-01-01

function two(n: number): string {
  return n < 10 ? '0' + n : '' + n;
}

/** Writes 0 <= n < 100 as two decimal digits at OUT[k]. */
function putTwo(k: number, n: number): void {
  OUT[k] = 0x30 + ((n / 10) | 0);
  OUT[k + 1] = 0x30 + (n % 10);
}

/** Seconds since 2000 as `YYYY-MM-DDTHH:MM:SSZ`, computed with integer civil-date math (Date.toISOString is several
 *  times slower and adds milliseconds). */
export function isoFromSeconds2000(seconds: number): string {
  const days = Math.floor(seconds / 86400) + EPOCH_2000_DAYS;
  const secOfDay = seconds - Math.floor(seconds / 86400) * 86400;
  // Howard Hinnant's civil_from_days.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const hh = Math.floor(secOfDay / 3600);
  const mm = Math.floor((secOfDay % 3600) / 60);
  const ss = secOfDay % 60;
  if (!(y >= 1000 && y <= 9999 && Number.isInteger(ss))) {
    return `${y}-${two(m)}-${two(d)}T${two(hh)}:${two(mm)}:${two(ss)}Z`;
  }
  // The usual case (a u32 of seconds always lands here): digits written straight into OUT.
  putTwo(0, (y / 100) | 0);
  putTwo(2, y % 100);
  OUT[4] = OUT[7] = 0x2d; // '-'
  putTwo(5, m);
  putTwo(8, d);
  OUT[10] = 0x54; // 'T'
  putTwo(11, hh);
  OUT[13] = OUT[16] = 0x3a; // ':'
  putTwo(14, mm);
  putTwo(17, ss);
  OUT[19] = 0x5a; // 'Z'
  return platform.latin1(OUT, 0, 20);
}

/** Inverse of `isoFromSeconds2000`; accepts any ISO 8601 string Date can parse. NaN when unparseable. */
export function seconds2000FromIso(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? NaN : ms / 1000 - EPOCH_2000_DAYS * 86400;
}

// ---- Build numbers: four u16 stored minor, major, revision, build; shown major.minor.build.revision ------------

export function buildOf(b: Uint8Array, o: number): string {
  return `${u16(b, o + 2)}.${u16(b, o)}.${u16(b, o + 6)}.${u16(b, o + 4)}`;
}

/** Parses `major.minor.build.revision` into the stored order; null when not four u16 numbers. */
export function parseBuild(text: string): [minor: number, major: number, revision: number, build: number] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const n = parts.map((p) => (p !== '' && /^\d+$/.test(p) ? Number(p) : NaN));
  if (n.some((x) => !(x >= 0 && x <= 0xffff))) return null;
  return [n[1], n[0], n[3], n[2]];
}

// ---- SHA-256 (platform.ts: crypto.hash in Node, a pure implementation elsewhere) --------------------------------

/** SHA-256 as 32 latin1 characters (one per byte). */
export function sha256Latin1(data: Uint8Array): string {
  return platform.sha256Latin1(data);
}

/** SHA-256 as lower-case hex. */
export function sha256Hex(data: Uint8Array): string {
  return platform.sha256Hex(data);
}

/** True when `hex` (lower-case) spells b[o, o + hex.length / 2), compared without building a string. */
export function hexEquals(hex: string, b: Uint8Array, o: number): boolean {
  for (let i = 0; i < hex.length; i += 2) {
    const x = b[o + (i >> 1)];
    if (hex.charCodeAt(i) !== HEX_CODES[x >> 4] || hex.charCodeAt(i + 1) !== HEX_CODES[x & 15]) return false;
  }
  return true;
}

/** True when b[o, o+32) equals a `sha256Latin1` digest. */
export function digestEquals(b: Uint8Array, o: number, digest: string): boolean {
  for (let i = 0; i < 32; i++) if (b[o + i] !== digest.charCodeAt(i)) return false;
  return true;
}
