// Turns any CsvSource into an async iterable of byte chunks, without reading a file whole.
import { createReadStream } from 'node:fs';
import type { CsvSource } from './types.js';

/** Chunk size for files: large enough to amortise per-chunk work, small enough to keep memory flat. */
export const FILE_CHUNK_BYTES = 1 << 16;

/** Chunks handed to the decoder when the whole content is in memory (keeps the line splitter's work bounded). */
const MEMORY_CHUNK_BYTES = 1 << 16;

export async function* byteChunks(source: CsvSource): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string') {
    const stream = createReadStream(source, { highWaterMark: FILE_CHUNK_BYTES });
    for await (const chunk of stream) yield chunk as Buffer;
    return;
  }
  if (source instanceof Uint8Array) {
    for (let i = 0; i < source.length; i += MEMORY_CHUNK_BYTES) yield source.subarray(i, i + MEMORY_CHUNK_BYTES);
    return;
  }
  if (Symbol.asyncIterator in source) {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    }
    return;
  }
  for (const chunk of source as Iterable<Uint8Array>) yield chunk;
}

/** A short name for messages: the path, or `<stream>` / `<buffer>`. */
export function sourceName(source: CsvSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof Uint8Array) return '<buffer>';
  return '<stream>';
}
