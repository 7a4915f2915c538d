// Node-only: file paths as CSV sources, streamed in 64 KiB chunks (installed into source.ts at import).
import { createReadStream } from 'node:fs';
import { useFileOpener } from '../source.js';

/** Chunk size for files: large enough to amortise per-chunk work, small enough to keep memory flat. */
export const FILE_CHUNK_BYTES = 1 << 16;

export async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: FILE_CHUNK_BYTES });
  for await (const chunk of stream) yield chunk as Uint8Array;
}

useFileOpener(fileChunks);
