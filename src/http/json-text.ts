// JSON text in and out without building a multi-megabyte string on the V8 heap. A 500-device import is ~2 MB of JSON
// each way (every device's 4 KB hash, echoed in the answer), and a string that large goes to V8's large-object space,
// where making one costs ~3 ns a byte: ~6 ms to decode the request body as UTF-8, ~6 ms to flatten JSON.stringify's
// answer before it can be measured and written (measured on Node 20, 2026-12-05). So:
// - a request body that is pure ASCII (every import) is read as Latin-1: the same string, copied once outside the heap;
// - a Graph collection's JSON is written item by item into one Buffer: the same bytes as JSON.stringify's. Each item's
//   text is dropped as soon as it is written, and a long string that needs no escaping (a hash) is copied straight
//   in: a 500-device answer then costs 7.9 ms instead of 14–15 (9.8 without the copying; Buffer.from(JSON.stringify)
//   ~20 ms) and makes ~5 MB less garbage (a loop of 50 answers and a heap profile of 60 imports, 2026-12-05).
import { isAscii } from 'node:buffer';

/**
 * The text of a JSON body: as Latin-1 when every byte is ASCII (identical to UTF-8 there, and ~30× cheaper at 2 MB).
 * `ascii`: whether it is, when the caller already knows.
 */
export function jsonBodyText(body: Buffer, ascii: boolean = isAscii(body)): string {
  return ascii ? body.toString('latin1') : body.toString('utf8');
}

/** Collections with at least this many items are written into a Buffer (a smaller answer stays a string). */
export const BUFFERED_COLLECTION_ITEMS = 32;

/**
 * JSON.stringify(data), byte for byte; a Graph collection (`{ …, value: [many items] }`) comes back as a Buffer of
 * its UTF-8 bytes, any other value as the string.
 */
export function jsonPayload(data: unknown): string | Buffer {
  const items = collectionItems(data);
  if (items === undefined) return JSON.stringify(data);
  // The envelope's members around `value`, in JSON.stringify's order (own enumerable keys; undefined, functions and
  // symbols left out).
  const before: string[] = [];
  const after: string[] = [];
  let side = before;
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key === 'value') {
      side = after;
      continue;
    }
    const json = JSON.stringify(value) as string | undefined;
    if (json !== undefined) side.push(`${JSON.stringify(key)}:${json}`);
  }
  const head = `{${before.map((m) => `${m},`).join('')}"value":[`;
  const tail = `]${after.map((m) => `,${m}`).join('')}}`;
  // Each item is stringified, written and dropped at once (as JSON.stringify writes an array element: a hole,
  // undefined, a function or a symbol is null), so that no item's text outlives the next scavenge: holding all 500
  // texts of an import's answer until the end made the collector copy and promote ~2 MB a request.
  const out = new GrowingBuffer(head.length + tail.length + items.length * (estimatedItemLength(items[0]) + 1));
  out.write(head);
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out.comma();
    writeItem(out, items[i]);
  }
  out.write(tail);
  return out.bytes();
}

/** Strings at least this long are written as they are when JSON needs no escape in them (a 4 KB hash, say). */
const VERBATIM_STRING_LENGTH = 256;

/** What JSON.stringify escapes in a string (", \, control characters, lone surrogates; here any surrogate). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * One item, as JSON.stringify(item) writes it. A plain object holding a long string that needs no escaping is
 * written member by member with that string copied straight into the buffer: JSON.stringify would build each
 * import answer's 500 hashes into ~4 MB of text that is garbage a moment later.
 */
function writeItem(out: GrowingBuffer, item: unknown): void {
  const members = verbatimMembers(item);
  if (members === undefined) {
    out.write((JSON.stringify(item) as string | undefined) ?? 'null');
    return;
  }
  // The text between verbatim strings is gathered and written at once (each Buffer write crosses into C++).
  let text = '{';
  let first = true;
  for (const [key, value] of members) {
    if (typeof value === 'string' && value.length >= VERBATIM_STRING_LENGTH && !NEEDS_ESCAPE.test(value)) {
      out.write(`${text}${first ? '' : ','}${JSON.stringify(key)}:"`);
      out.write(value);
      text = '"';
    } else {
      const json = JSON.stringify(value) as string | undefined;
      if (json === undefined) continue; // undefined, a function or a symbol: left out
      text += `${first ? '' : ','}${JSON.stringify(key)}:${json}`;
    }
    first = false;
  }
  out.write(`${text}}`);
}

/**
 * The members of `item` when writing them one by one gives JSON.stringify's text and is worth it: a plain object
 * with a long string member and no member with a toJSON (JSON.stringify passes it the member's name). Else undefined.
 */
function verbatimMembers(item: unknown): [string, unknown][] | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const proto = Object.getPrototypeOf(item) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  if (typeof (item as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const members = Object.entries(item);
  let long = false;
  for (const [, value] of members) {
    if (typeof value === 'string') long ||= value.length >= VERBATIM_STRING_LENGTH;
    else if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  }
  return long ? members : undefined;
}

/** The length of the first item's JSON, as the guess for every item (the buffer grows when the guess is short). */
function estimatedItemLength(first: unknown): number {
  return ((JSON.stringify(first) as string | undefined) ?? 'null').length;
}

/** Bytes appended to a Buffer that doubles when a string may not fit; the UTF-8 length is measured only then. */
class GrowingBuffer {
  #buffer: Buffer;
  #length = 0;

  constructor(capacity: number) {
    this.#buffer = Buffer.allocUnsafe(Math.max(64, capacity));
  }

  write(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair, 2 units, takes 4).
    if (this.#buffer.length - this.#length < text.length * 3) this.#reserve(Buffer.byteLength(text));
    this.#length += this.#buffer.write(text, this.#length);
  }

  comma(): void {
    if (this.#length === this.#buffer.length) this.#reserve(1);
    this.#buffer[this.#length++] = 0x2c; // ,
  }

  /** The bytes written (a view of the buffer, which is not written again). */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }

  #reserve(bytes: number): void {
    if (this.#buffer.length - this.#length >= bytes) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + bytes));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}

/** The items of a plain collection object worth buffering, else undefined (toJSON or a replaced value: stringify it whole). */
function collectionItems(data: unknown): unknown[] | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  if (typeof (data as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const value = (data as { value?: unknown }).value;
  if (!Array.isArray(value) || value.length < BUFFERED_COLLECTION_ITEMS) return undefined;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  return value;
}
