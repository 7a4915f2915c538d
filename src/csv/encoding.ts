// Encoding sniffing and incremental decoding for CSV bytes.
//
// Order of decisions: a BOM wins (UTF-8, UTF-16LE, UTF-16BE); otherwise a NUL in every other byte of the first four
// means UTF-16 without BOM; otherwise the text is 8-bit: every non-ASCII sequence that is valid UTF-8 is decoded as
// UTF-8 and every other byte >= 0x80 as windows-1252. The verdict (`ascii`, `utf-8`, `windows-1252`) can therefore
// only firm up as the stream goes on; `info()` reports what has been seen so far, and `mixed` tells when both kinds
// were found. Decoding never fails and never drops a byte.
import { bytes as platform, utf8SequenceLength } from '../hash/platform.js';
import type { EncodingInfo, TextEncodingName } from './types.js';

/** windows-1252 code points for bytes 0x80..0x9F (the five undefined bytes map to the C1 control of that value). */
const CP1252_HIGH: readonly number[] = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d,
  0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d,
  0x017e, 0x0178,
];

export function cp1252Char(byte: number): string {
  return String.fromCharCode(byte >= 0x80 && byte < 0xa0 ? CP1252_HIGH[byte - 0x80] : byte);
}

const CP1252_REVERSE = new Map<number, number>(CP1252_HIGH.map((cp, i) => [cp, 0x80 + i]));

/** The windows-1252 byte for a character, or -1 when windows-1252 cannot represent it. */
export function cp1252Byte(codePoint: number): number {
  if (codePoint < 0x80 || (codePoint >= 0xa0 && codePoint <= 0xff)) return codePoint;
  return CP1252_REVERSE.get(codePoint) ?? -1;
}

type Mode = 'undecided' | 'eight-bit' | 'utf-16le' | 'utf-16be';

/**
 * Decodes a byte stream chunk by chunk. `write()` returns the text decoded so far (possibly holding back up to three
 * bytes of an incomplete sequence); `end()` flushes.
 */
export class StreamingTextDecoder {
  private mode: Mode;
  private pending: Uint8Array | null = null;
  private bomName: TextEncodingName | null = null;
  /** Non-ASCII UTF-8 sequences seen (8-bit mode). */
  utf8Sequences = 0;
  /** Bytes >= 0x80 decoded as windows-1252 (8-bit mode). */
  cp1252Bytes = 0;
  /** Total bytes consumed. */
  bytes = 0;
  /** Stream offset of the first byte decoded as windows-1252, or -1. */
  firstCp1252At = -1;
  /** Stream offset of the bytes being decoded (see decode). */
  private decodingAt = 0;

  /** `eightBit`: skip the sniffing, the bytes are 8-bit text from the start (a later part of an 8-bit file cut at
   *  a line start, as the parallel validator's workers get it). */
  constructor(eightBit = false) {
    this.mode = eightBit ? 'eight-bit' : 'undecided';
  }

  info(): EncodingInfo {
    if (this.bomName) return { name: this.bomName, bom: true };
    switch (this.mode) {
      case 'utf-16le':
      case 'utf-16be':
        return { name: this.mode, bom: false };
      default:
        if (this.cp1252Bytes > 0) return { name: 'windows-1252', bom: false };
        if (this.utf8Sequences > 0) return { name: 'utf-8', bom: false };
        return { name: 'ascii', bom: false };
    }
  }

  /** True when both valid UTF-8 sequences and windows-1252 bytes were decoded. */
  get mixed(): boolean {
    return this.utf8Sequences > 0 && this.cp1252Bytes > 0;
  }

  write(chunk: Uint8Array): string {
    this.decodingAt = this.bytes - (this.pending?.length ?? 0);
    this.bytes += chunk.length;
    let buf: Uint8Array = this.pending ? concat(this.pending, chunk) : chunk;
    this.pending = null;
    if (this.mode === 'undecided') {
      if (buf.length < 4) {
        this.pending = buf;
        return '';
      }
      buf = this.sniff(buf);
    }
    return this.decode(buf, false);
  }

  end(): string {
    this.decodingAt = this.bytes - (this.pending?.length ?? 0);
    let buf = this.pending ?? new Uint8Array(0);
    this.pending = null;
    if (this.mode === 'undecided') buf = this.sniff(buf);
    return this.decode(buf, true);
  }

  private sniff(b: Uint8Array): Uint8Array {
    if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      this.mode = 'eight-bit';
      this.bomName = 'utf-8-bom';
      this.decodingAt += 3;
      return b.subarray(3);
    }
    if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) {
      this.mode = 'utf-16le';
      this.bomName = 'utf-16le';
      return b.subarray(2);
    }
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      this.mode = 'utf-16be';
      this.bomName = 'utf-16be';
      return b.subarray(2);
    }
    if (b.length >= 4 && b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) this.mode = 'utf-16le';
    else if (b.length >= 4 && b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0) this.mode = 'utf-16be';
    else this.mode = 'eight-bit';
    return b;
  }

  private decode(b: Uint8Array, final: boolean): string {
    if (b.length === 0) return '';
    if (this.mode === 'utf-16le' || this.mode === 'utf-16be') {
      let use = b;
      if (b.length % 2 === 1) {
        if (final) {
          // A dangling odd byte: decode it as U+FFFD rather than dropping it.
          use = b.subarray(0, b.length - 1);
        } else {
          this.pending = b.slice(b.length - 1);
          use = b.subarray(0, b.length - 1);
        }
      }
      // JS strings are UTF-16 code units, so a surrogate pair split across chunks joins again when lines are built.
      const text = this.mode === 'utf-16le' ? platform.utf16le(use, 0, use.length) : platform.utf16le(swap16(use), 0, use.length);
      return final && b.length % 2 === 1 ? text + '\ufffd' : text;
    }
    const buf = b;
    if (platform.isAscii(buf)) return platform.latin1(buf, 0, buf.length);
    // Hold back an incomplete UTF-8 sequence at the end (decided once the next bytes arrive).
    let end = buf.length;
    if (!final) {
      for (let k = Math.max(0, end - 3); k < end; k++) {
        if (buf[k] >= 0xc2 && utf8SequenceLength(buf, k, end) === -1) {
          this.pending = buf.slice(k);
          end = k;
          break;
        }
      }
    }
    const body = end === buf.length ? buf : buf.subarray(0, end);
    if (platform.isUtf8(body)) {
      this.utf8Sequences += countUtf8Leads(body);
      return platform.utf8(body, 0, body.length);
    }
    return this.decodeMixed(body);
  }

  /** Per-sequence decoding: valid UTF-8 sequences as UTF-8, any other byte >= 0x80 as windows-1252. */
  private decodeMixed(b: Uint8Array): string {
    const parts: string[] = [];
    let runStart = 0;
    let i = 0;
    const end = b.length;
    while (i < end) {
      if (b[i] < 0x80) {
        i++;
        continue;
      }
      if (i > runStart) parts.push(platform.latin1(b, runStart, i));
      const n = utf8SequenceLength(b, i, end);
      if (n > 0) {
        parts.push(platform.utf8(b, i, i + n));
        this.utf8Sequences++;
        i += n;
      } else {
        parts.push(cp1252Char(b[i]));
        if (this.cp1252Bytes === 0) this.firstCp1252At = this.decodingAt + i;
        this.cp1252Bytes++;
        i++;
      }
      runStart = i;
    }
    if (runStart < end) parts.push(platform.latin1(b, runStart, end));
    return parts.join('');
  }
}

function countUtf8Leads(b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] >= 0xc0) n++;
  return n;
}

/** A copy of the bytes with each pair swapped (UTF-16BE to LE). */
function swap16(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i + 1 < b.length; i += 2) {
    out[i] = b[i + 1];
    out[i + 1] = b[i];
  }
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Decodes a whole buffer (small inputs, tests). */
export function decodeBytes(bytes: Uint8Array): { text: string; encoding: EncodingInfo; mixed: boolean } {
  const d = new StreamingTextDecoder();
  const text = d.write(bytes) + d.end();
  return { text, encoding: d.info(), mixed: d.mixed };
}

/** Human name for messages. */
export function encodingLabel(e: EncodingInfo): string {
  switch (e.name) {
    case 'utf-16le':
      return e.bom ? 'UTF-16LE with BOM' : 'UTF-16LE without BOM';
    case 'utf-16be':
      return e.bom ? 'UTF-16BE with BOM' : 'UTF-16BE without BOM';
    case 'utf-8-bom':
      return 'UTF-8 with BOM';
    case 'utf-8':
      return 'UTF-8';
    case 'windows-1252':
      return 'windows-1252';
    case 'ascii':
      return 'ASCII';
  }
}
