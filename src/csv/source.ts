// Turns any CsvSource into an async iterable of byte chunks, without reading a file whole. Browser-safe: file paths
// are read by the opener Node installs (node/source-node.ts, imported by src/csv/index.ts); without one (a
// browser) a path is refused with a clear error.
import { bytes as platform } from '../hash/platform.js';
import type { CsvSource } from './types.js';

/** Chunks handed to the decoder when the whole content is in memory (keeps the line splitter's work bounded). */
const MEMORY_CHUNK_BYTES = 1 << 16;

/** Reads a file as byte chunks. */
export type FileOpener = (path: string) => AsyncIterable<Uint8Array>;

let openFile: FileOpener | null = null;

/** Installs the file reader for path sources (node/source-node.ts does, at import). */
export function useFileOpener(opener: FileOpener): void {
  openFile = opener;
}

export async function* byteChunks(source: CsvSource): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string') {
    if (openFile === null) {
      throw new TypeError(`Cannot read the file "${source}": file paths are read only in Node; pass the CSV's bytes (a Uint8Array) or a stream of chunks instead.`);
    }
    yield* openFile(source);
    return;
  }
  if (source instanceof Uint8Array) {
    for (let i = 0; i < source.length; i += MEMORY_CHUNK_BYTES) yield source.subarray(i, i + MEMORY_CHUNK_BYTES);
    return;
  }
  if (Symbol.asyncIterator in source) {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      yield typeof chunk === 'string' ? platform.utf8Bytes(chunk) : chunk;
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
