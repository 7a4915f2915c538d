// JSON text in and out without building a multi-megabyte string on the V8 heap. A 500-device import is ~2 MB of JSON
// each way (every device's 4 KB hash, echoed in the answer), and a string that large goes to V8's large-object space,
// where making one costs ~3 ns a byte: ~6 ms to decode the request body as UTF-8, ~6 ms to flatten JSON.stringify's
// answer before it can be measured and written (measured on Node 20, 2026-12-05). So:
// - a request body that is pure ASCII (every import) is read as Latin-1: the same string, copied once outside the heap;
// - a Graph collection's JSON is written item by item into one Buffer: the same bytes as JSON.stringify's.
import { isAscii } from 'node:buffer';

/** The text of a JSON body: as Latin-1 when every byte is ASCII (identical to UTF-8 there, and ~30× cheaper at 2 MB). */
export function jsonBodyText(body: Buffer): string {
  return isAscii(body) ? body.toString('latin1') : body.toString('utf8');
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
  // Each item as JSON.stringify writes an array element (a hole, undefined, a function or a symbol: null).
  const parts = Array.from(items, (item) => (JSON.stringify(item) as string | undefined) ?? 'null');
  let size = Buffer.byteLength(head) + Buffer.byteLength(tail) + Math.max(0, parts.length - 1);
  for (const part of parts) size += Buffer.byteLength(part);
  const out = Buffer.allocUnsafe(size);
  let offset = out.write(head, 0);
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) out[offset++] = 0x2c; // ,
    offset += out.write(parts[i]!, offset);
  }
  out.write(tail, offset);
  return out;
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
