// validateCsv on every core, for files (what `tarmac csv validate <file>` runs). Node-only.
//
// The result is exactly validateCsv's (test/csv/validate-parallel.test.ts compares the two on damaged files):
//  - The main thread reads the file's start as the reader does (64 KiB chunks, the same decoder and line
//    splitter, ReaderCore) until the header is found. UTF-16 files, files without a header and small files are
//    read that way to the end.
//  - From the next line feed on, it cuts the file into blocks that end right after a line feed; `threads - 1`
//    worker threads (validate-worker.ts) and the main thread itself, whenever the workers have enough queued, check
//    them (validate-block.ts: decode, split lines, per-row rules). The 8-bit decoding of a block that starts at a
//    line start gives the same text as decoding the whole file.
//  - It replays the workers' results in line order through ReaderCore (file-level diagnostics, row count, row
//    limit) and does the cross-row check itself: ZtdDeviceDuplicated, with the key index of the whole file. So
//    diagnostics are added in the same order and capped and sorted alike.
//  - The one verdict that depends on how far the reader had read — whether the file counted as UTF-8 at its first
//    non-ASCII value — is recomputed from the bytes the reader would have decoded by then (its 64 KiB chunks).
// A line longer than MAX_BLOCK_BYTES without a line feed (a file with lone-CR line endings, a damaged file) makes
// it start over with validateCsv.
import { openSync, closeSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import '../../hash/platform-node.js';
import { isoFromSeconds2000 } from '../../hash/bytes.js';
import { DiagnosticCollector, makeDiagnostic } from '../diagnostics.js';
import { StreamingTextDecoder } from '../encoding.js';
import { LineSplitter, type PhysicalLine } from '../lines.js';
import { ReaderCore } from '../read-csv.js';
import { duplicateInit, emptyRowDiagnostic } from '../rules.js';
import type { CsvDiagnostic, CsvRecord, TextEncodingName, ValidateCsvOptions, ValidateCsvResult } from '../types.js';
import { validateCsv } from '../validate-csv.js';
import { FILE_CHUNK_BYTES } from './source-node.js';
import { blockContext, checkBlock } from './validate-block.js';
import {
  EV_BLANK,
  EV_EMPTY_ROW,
  EV_ROW,
  EV_TOO_LONG,
  FLAG_DIAGNOSTICS,
  FLAG_NON_ASCII,
  FLAG_VALID,
  type BlockJob,
  type BlockResult,
  type WorkerSetup,
} from './validate-protocol.js';

export interface ParallelValidateOptions extends ValidateCsvOptions {
  /** Threads in all, the main thread included (default: the number of cores): threads - 1 workers. 1 runs
   *  validateCsv on the main thread. */
  threads?: number;
  /** Bytes per block handed to a worker (default 120 KiB). */
  blockBytes?: number;
  /** Workers start only when at least this much of the file is left after the header (default 4 MiB). */
  parallelFromBytes?: number;
}

/** 120 KiB: a block's text (one byte per character) stays below V8's large-object size (128 KiB), so it is a
 *  young-generation string that the next scavenge frees. Larger texts go to the large-object space and wait for a
 *  full collection (peak RSS ~185 MB at 512 KiB at 100k rows, against ~110 MB); from ~1 MB on Node also makes them
 *  external (malloc'd), and RSS doubles. Smaller blocks cost more in messages. */
const DEFAULT_BLOCK_BYTES = 120 << 10;
/** A block grows to hold a line longer than blockBytes; past this, the file is read by validateCsv instead. */
const MAX_BLOCK_BYTES = 16 << 20;
/** Below this much data after the header, workers are not worth starting. */
const MIN_PARALLEL_BYTES = 4 << 20;

/** Thrown inside to start over with validateCsv. */
class StartOver extends Error {}

/** Stands for a worker's device row in ReaderCore.applyRow (which only tells rows from non-rows). */
const WORKER_ROW = {} as CsvRecord;

/** The file's records as validateCsv reports them, checked on `threads` worker threads. Only path sources. */
export async function validateCsvFile(file: string, options: ParallelValidateOptions = {}): Promise<ValidateCsvResult> {
  const threads = options.threads ?? availableParallelism();
  if (threads <= 1 || options.keepRecords || options.decoder !== undefined) return validateCsv(file, options);
  const fh = await open(file, 'r');
  let run: ParallelRun | null = null;
  try {
    const size = (await fh.stat()).size;
    run = new ParallelRun(file, fh, size, options, threads);
    // Start the workers now when the file is large enough that they will probably be used: their start-up then
    // overlaps the reading of the header.
    if (size >= (options.parallelFromBytes ?? MIN_PARALLEL_BYTES)) run.pool = new WorkerPool(threads - 1);
    return await run.run();
  } catch (e) {
    if (e instanceof StartOver) return validateCsv(file, options);
    throw e;
  } finally {
    await fh.close();
    run?.pool?.close();
  }
}

class ParallelRun {
  readonly strict: boolean;
  readonly collector: DiagnosticCollector;
  readonly decoder = new StreamingTextDecoder();
  readonly core: ReaderCore;
  readonly splitter: LineSplitter;
  readonly maxLineLength: number;
  readonly blockBytes: number;
  pool: WorkerPool | null = null;
  devices = 0;

  constructor(
    readonly file: string,
    readonly fh: FileHandle,
    readonly size: number,
    readonly options: ParallelValidateOptions,
    readonly threads: number,
  ) {
    this.strict = options.strict ?? false;
    this.collector = new DiagnosticCollector(options.maxWarningsPerCode ?? 200);
    this.core = new ReaderCore(this.strict, options, this.collector, this.decoder);
    this.maxLineLength = options.maxLineLength ?? 1_000_000;
    this.splitter = new LineSplitter(this.maxLineLength);
    this.blockBytes = Math.max(1024, options.blockBytes ?? DEFAULT_BLOCK_BYTES);
  }

  async run(): Promise<ValidateCsvResult> {
    const { core, decoder } = this;
    const chunk = new Uint8Array(FILE_CHUNK_BYTES);
    let pos = 0;
    let workersFrom = -1;
    // The reader's own path, chunk by chunk, until the header is behind us.
    for (;;) {
      const n = await this.readFully(chunk, pos);
      if (n === 0) break;
      const bytes = chunk.subarray(0, n);
      const eightBit = decoder.bytes > 0 && !decoder.info().name.startsWith('utf-16');
      if (core.phase === 'rows' && eightBit && this.size - pos >= (this.options.parallelFromBytes ?? MIN_PARALLEL_BYTES)) {
        const lf = bytes.indexOf(10);
        if (lf >= 0) {
          this.transition(bytes, lf + 1, pos + n >= this.size);
          workersFrom = pos + lf + 1;
          break;
        }
      }
      this.feed(bytes, () => decoder.info().name);
      pos += n;
    }
    if (workersFrom < 0) {
      this.lines(this.splitter.push(decoder.end(), true), () => decoder.info().name);
    } else {
      await this.parallel(workersFrom);
    }
    core.finish();
    const diagnostics = this.collector.list;
    return {
      ok: this.collector.errors === 0,
      strict: this.strict,
      encoding: core.encoding,
      lineEndings: core.lineEndings,
      dialect: core.dialect,
      lines: core.lines,
      rows: core.rows,
      devices: this.devices,
      errors: this.collector.errors,
      warnings: this.collector.warnings,
      diagnostics,
    };
  }

  private async readFully(buf: Uint8Array, pos: number, from = 0): Promise<number> {
    let n = from;
    while (n < buf.length) {
      const { bytesRead } = await this.fh.read(buf, n, buf.length - n, pos + n - from);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return n - from;
  }

  /** One chunk through the decoder and the line splitter, as physicalLines does. */
  private feed(bytes: Uint8Array, encodingNow: () => TextEncodingName): void {
    const text = this.decoder.write(bytes);
    if (text.length > 0) this.lines(this.splitter.push(text, false), encodingNow);
  }

  private lines(lines: PhysicalLine[], encodingNow: () => TextEncodingName): void {
    for (const pl of lines) {
      const record = this.core.line(pl, encodingNow);
      if (record) this.rowDone(record.diagnostics, record.valid);
    }
  }

  /** What validateCsv does with each record. */
  private rowDone(diagnostics: CsvDiagnostic[], valid: boolean): void {
    if (diagnostics.length > 0) this.collector.addAll(diagnostics);
    if (valid) this.devices++;
  }

  /** The chunk's lines up to `cut` (just past its first line feed) on this thread; the rest goes to the workers.
   *  The reader would have decoded the whole chunk before handling those lines: the encoding verdict counts the
   *  bytes after the cut too. */
  private transition(bytes: Uint8Array, cut: number, last: boolean): void {
    const rest = new StreamingTextDecoder(true);
    rest.write(bytes.subarray(cut));
    if (last) rest.end();
    const decoder = this.decoder;
    this.feed(bytes.subarray(0, cut), () =>
      encodingName(decoder, decoder.cp1252Bytes + rest.cp1252Bytes, decoder.utf8Sequences + rest.utf8Sequences),
    );
  }

  private async parallel(from: number): Promise<void> {
    const core = this.core;
    const dialect = core.dialect;
    const firstEol = core.firstEol;
    if (dialect === null || firstEol === null) throw new StartOver();
    const setup: WorkerSetup = { strict: this.strict, dialect, decode: this.options.decode ?? true, maxLineLength: this.maxLineLength, firstEol };
    this.pool ??= new WorkerPool(this.threads - 1);
    const pool = this.pool;
    pool.setup(setup);
    // The main thread checks blocks too, whenever the workers have enough queued: `threads` threads in all.
    const localCtx = blockContext(setup);
    // Blocks read and not yet replayed: bounds memory (the blocks, and the results the main thread holds).
    const inFlightMax = 8;
    const pending = new Map<number, BlockResult>();
    let nextId = 0;
    let nextToApply = 0;
    let pos = from;
    let carry: Uint8Array | null = null;
    let eof = false;
    let failure: unknown = pool.error;
    let wake: (() => void) | null = null;
    pool.onResult = (r) => {
      pending.set(r.id, r);
      wake?.();
    };
    pool.onError = (e) => {
      failure = e;
      wake?.();
    };
    const waitForResult = (): Promise<void> =>
      new Promise((resolve) => {
        wake = () => {
          wake = null;
          resolve();
        };
      });
    const applyReady = (): void => {
      for (let r = pending.get(nextToApply); r !== undefined; r = pending.get(nextToApply)) {
        pending.delete(nextToApply);
        nextToApply++;
        this.apply(r);
        pool.recycle(r.buffer);
      }
    };

    while (!eof || nextToApply < nextId) {
      if (failure !== null) throw failure;
      applyReady();
      if (!eof && nextId - nextToApply < inFlightMax) {
        // Read the next block: the carried partial line, then fresh bytes, cut after the last line feed.
        let size = this.blockBytes;
        let buf = pool.buffer(size);
        let have = 0;
        if (carry !== null) {
          while (carry.length >= size) size *= 2;
          if (buf.byteLength < size) buf = new ArrayBuffer(size);
          new Uint8Array(buf).set(carry);
          have = carry.length;
        }
        const start = pos - have;
        let cut = -1;
        for (;;) {
          const view = new Uint8Array(buf, 0, size);
          const n = await this.readFully(view.subarray(0, size), pos, have);
          pos += n;
          have += n;
          if (have < size) {
            eof = true;
            cut = have;
            break;
          }
          const lf = view.lastIndexOf(10, have - 1);
          if (lf >= 0) {
            cut = lf + 1;
            break;
          }
          // A line longer than the block: grow it, up to a limit.
          if (size * 2 > MAX_BLOCK_BYTES) throw new StartOver();
          const bigger = new ArrayBuffer(size * 2);
          new Uint8Array(bigger).set(view);
          buf = bigger;
          size *= 2;
        }
        carry = cut < have ? new Uint8Array(buf, cut, have - cut).slice() : null;
        if (cut === 0) {
          pool.recycle(buf);
        } else {
          const job: BlockJob = { id: nextId++, buffer: buf, length: cut, offset: start };
          if (pool.queued() < pool.size * 4) pool.submit(job);
          else pending.set(job.id, checkBlock(job, setup, localCtx));
        }
        continue;
      }
      if (nextToApply < nextId && !pending.has(nextToApply)) await waitForResult();
    }
    if (failure !== null) throw failure;
  }

  /** Replays one block's lines through ReaderCore, in order, as if the reader had read them. */
  private apply(r: BlockResult): void {
    const core = this.core;
    const decoder = this.decoder;
    const strict = this.strict;
    const seen = core.ctx?.seenKeys ?? null;
    const before = core.lines;
    const { kinds, lineNumbers, flags, numbers, keyCounts, keys, kindLabels } = r;
    const encodingNow = (): TextEncodingName => this.encodingAtFirstNonAscii(r);
    let k = 0;
    let d = 0;
    for (let e = 0; e < kinds.length; e++) {
      const line = before + lineNumbers[e];
      core.lines = line;
      switch (kinds[e]) {
        case EV_TOO_LONG:
          core.lineTooLong(line, numbers[e]);
          break;
        case EV_BLANK:
          core.blankLine(line);
          break;
        case EV_EMPTY_ROW:
          core.applyRow(line, { record: null, diagnostics: [emptyRowDiagnostic(line, numbers[e], strict)], nonAscii: false }, encodingNow);
          break;
        case EV_ROW: {
          const f = flags[e];
          const diagnostics: CsvDiagnostic[] = (f & FLAG_DIAGNOSTICS) !== 0 ? r.diagnostics[d++] : [];
          for (const diag of diagnostics) diag.line = line;
          let valid = (f & FLAG_VALID) !== 0;
          // ZtdDeviceDuplicated, as rules.ts checkDuplicate does it, on the whole file's key index.
          const count = keyCounts[e];
          if (seen !== null && count > 0) {
            let firstLine = 0;
            let kind = '';
            for (let i = 0; i < count; i++, k += 3) {
              const stored = seen.setIfAbsentFingerprint(keys[k], keys[k + 1], line);
              if (stored !== line && firstLine === 0) {
                firstLine = stored;
                kind = kindLabels[keys[k + 2]];
              }
            }
            if (firstLine !== 0) {
              const captured = numbers[e] >= 0 ? isoFromSeconds2000(numbers[e]) : null;
              const dup = makeDiagnostic(duplicateInit(line, firstLine, kind, captured), strict);
              diagnostics.push(dup);
              if (dup.severity === 'error') valid = false;
            }
          } else {
            k += count * 3;
          }
          const nonAscii = (f & FLAG_NON_ASCII) !== 0;
          if (core.applyRow(line, { record: WORKER_ROW, diagnostics, nonAscii }, encodingNow) !== null) this.rowDone(diagnostics, valid);
          break;
        }
      }
    }
    core.lines = before + r.lines;
    core.eolCounts.crlf += r.crlf;
    core.eolCounts.lf += r.lf;
    core.eolCounts.cr += r.cr;
    if (core.firstOtherEol === 0 && r.firstOtherEol > 0) core.firstOtherEol = before + r.firstOtherEol;
    if (decoder.firstCp1252At < 0) decoder.firstCp1252At = r.firstCp1252At;
    decoder.utf8Sequences += r.utf8Sequences;
    decoder.cp1252Bytes += r.cp1252Bytes;
  }

  /** The decoder's verdict when the reader handled the first row with a non-ASCII value (only asked for that row,
   *  the block's first with one): what it had decoded by then is everything up to the end of the 64 KiB chunk in
   *  which that row's line ended. The counts so far cover the blocks before; this block and the rest of that chunk
   *  are read again from the file (once per file). */
  private encodingAtFirstNonAscii(r: BlockResult): TextEncodingName {
    const decoder = this.decoder;
    const info = decoder.info();
    if (info.bom) return info.name;
    const rowEnd = r.firstNonAsciiEnd;
    if (decoder.cp1252Bytes > 0 || (r.firstCp1252At >= 0 && r.firstCp1252At < rowEnd)) return 'windows-1252';
    let chunkEnd = (Math.floor((rowEnd - 1) / FILE_CHUNK_BYTES) + 1) * FILE_CHUNK_BYTES;
    const fd = openSync(this.file, 'r');
    try {
      const last = new Uint8Array(1);
      readSync(fd, last, 0, 1, rowEnd - 1);
      // A lone CR that ends a chunk ends its line only once the next chunk shows no LF follows.
      if (last[0] === 13 && rowEnd === chunkEnd) chunkEnd += FILE_CHUNK_BYTES;
      const end = Math.min(chunkEnd, this.size);
      const rest = new StreamingTextDecoder(true);
      if (end > rowEnd) {
        const bytes = new Uint8Array(end - rowEnd);
        readSync(fd, bytes, 0, bytes.length, rowEnd);
        rest.write(bytes);
      }
      if (chunkEnd >= this.size) rest.end();
      // The row's own non-ASCII text came from UTF-8 sequences (no windows-1252 byte before its end).
      return encodingName(decoder, rest.cp1252Bytes, 1);
    } finally {
      closeSync(fd);
    }
  }
}

/** StreamingTextDecoder.info().name for the given counts (8-bit). */
function encodingName(decoder: StreamingTextDecoder, cp1252Bytes: number, utf8Sequences: number): TextEncodingName {
  const info = decoder.info();
  if (info.bom) return info.name;
  if (cp1252Bytes > 0) return 'windows-1252';
  if (utf8Sequences > 0) return 'utf-8';
  return 'ascii';
}

/** The worker threads, each working through its queue of blocks; block buffers come back for reuse. */
class WorkerPool {
  readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly queuedPerWorker: number[] = [];
  private readonly free: ArrayBuffer[] = [];
  onResult: (r: BlockResult) => void = () => {};
  onError: (e: unknown) => void = () => {};
  /** The first worker failure (also passed to onError), kept for whoever starts waiting later. */
  error: unknown = null;

  constructor(size: number) {
    this.size = size;
    for (let i = 0; i < size; i++) {
      const w = startWorker();
      w.on('message', (r: BlockResult) => {
        this.queuedPerWorker[i]--;
        this.onResult(r);
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => this.fail(new Error(`csv validation worker exited with code ${code}`)));
      this.workers.push(w);
      this.queuedPerWorker.push(0);
    }
  }

  private fail(e: unknown): void {
    this.error ??= e;
    this.onError(e);
  }

  /** Blocks handed out and not yet answered. */
  queued(): number {
    let n = 0;
    for (const q of this.queuedPerWorker) n += q;
    return n;
  }

  /** Sends every worker the file's dialect and options; blocks may follow. */
  setup(setup: WorkerSetup): void {
    for (const w of this.workers) w.postMessage(setup);
  }

  /** A buffer of at least `size` bytes. */
  buffer(size: number): ArrayBuffer {
    const b = this.free.pop();
    return b !== undefined && b.byteLength >= size ? b : new ArrayBuffer(size);
  }

  recycle(b: ArrayBuffer): void {
    if (this.free.length < this.size * 4) this.free.push(b);
  }

  submit(job: BlockJob): void {
    let best = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.queuedPerWorker[i] < this.queuedPerWorker[best]) best = i;
    this.queuedPerWorker[best]++;
    this.workers[best].postMessage(job, [job.buffer]);
  }

  close(): void {
    for (const w of this.workers) {
      w.removeAllListeners('exit');
      void w.terminate();
    }
  }
}

/**
 * Starts validate-worker: the compiled .js next to this file (dist/, or the bundle's entry of that name beside its
 * chunk), or (running from the TypeScript sources, in tests and benchmarks) the .ts through tsx's loader. The thread
 * inherits the process's Node options and imports its entry from a small `data:` module. Given as `execArgv`, a V8
 * flag such as `--max-old-space-size` made the Worker refuse to start (ERR_WORKER_INVALID_EXEC_ARGV: `node
 * --max-old-space-size=4096 bin/tarmac.js csv validate big.csv` failed); inherited, it is taken. And a process
 * started as `node --input-type=module -e …` passes that option on, which a thread started from a file refuses
 * (ERR_INPUT_TYPE_NOT_ALLOWED) and one started from a `data:` module does not.
 */
function startWorker(): Worker {
  const here = new URL(import.meta.url);
  let boot: string;
  if (here.pathname.endsWith('.js')) {
    boot = `await import(${JSON.stringify(new URL('./validate-worker.js', here).href)});`;
  } else {
    const require = createRequire(here);
    const tsx = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
    boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(new URL('./validate-worker.ts', here).href)});`;
  }
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
}
