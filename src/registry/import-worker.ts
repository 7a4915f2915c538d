// The import worker: processes imported device identities as soon as they arrive (notify(), called in-process on
// insert) and polls for rows other processes inserted (the CLI) or left behind (a crash: their leases lapse).
// Several workers, in one process or many, share the queue safely through leases. A batch whose transaction loses to
// a concurrent one (a key registered meanwhile, a deadlock, a serialization failure, SQLite busy) is run again at
// once inside the same run (process-imports.ts; onRetry tells). Only a run that still fails (onError) leaves its rows
// leased until the lease lapses; nothing of it was committed, so another run takes them up whole.
//
// Concurrency: `concurrency` loops each take a batch of their own (default 1). On PostgreSQL a batch spends most of its
// time waiting on the database, whose backend runs on one core: a few loops keep several cores busy, exactly as that
// many processes would (claims skip each other's rows; see process-imports.ts for why overlapping transactions are
// safe). On SQLite there is one writer, so one loop.
//
// Requests first (yieldWhile): on an embedded engine (SQLite) every query runs on the event loop and one writer at a
// time, so a request arriving while a batch runs waits for the whole batch. The app tells the worker when requests
// are in flight; the worker then holds back its next batch until they are answered (at most maxYieldMs, so that a
// steady stream of requests cannot stall registration). The rows wait in the queue, durable, meanwhile. While requests
// came a moment ago (shortBatchesWhile) its batches are short, so that the next request waits for little if anything.
import { randomUUID } from 'node:crypto';
import { processImportBatch, type BatchResult, type BatchRetry } from './process-imports.js';
import type { Store } from '../ports.js';
import { completeSyncs } from './sync.js';

export interface ImportWorkerOptions {
  /** Rows per transaction (default 500). */
  batchSize?: number;
  /** How long a claim lasts before another worker may take the rows over (default 30 s). */
  leaseSeconds?: number;
  /** How often to look for work nobody announced (default 1000 ms). */
  pollIntervalMs?: number;
  /** Leases a row may take before it is given up as StorageError (default 5). */
  maxAttempts?: number;
  now?: () => Date;
  /** Where failures of a run go (they are retried: the rows stay leased until the lease lapses). */
  onError?: (err: unknown) => void;
  /**
   * Called when a batch's transaction lost to a concurrent one and is run again at once, inside the run (see
   * process-imports.ts): a key registered meanwhile, a deadlock, a serialization failure, SQLite busy.
   */
  onRetry?: (retry: BatchRetry) => void;
  /** Called after each settled batch. */
  onBatch?: (result: BatchResult) => void;
  /** While this answers true, the next batch waits (see the header), at most maxYieldMs (default 1000). */
  yieldWhile?: () => boolean;
  maxYieldMs?: number;
  /** Rows per batch when the wait ended with requests still in flight (default batchSize; at most batchSize). */
  batchSizeUnderLoad?: number;
  /**
   * While this answers true, batches are short (batchSizeUnderLoad) even after the wait: requests came a moment ago
   * and more may follow, and none should wait behind a full batch.
   */
  shortBatchesWhile?: () => boolean;
  /** Batches in progress at once, each in its own transaction (default 1; see the header). */
  concurrency?: number;
  /**
   * Rows settled after which a long import refreshes the planner statistics without waiting for the queue to drain
   * (default 10,000), then twice as many after each such refresh (see #refreshStatisticsAfterLoad). The store
   * analyzes only what changed by a tenth since.
   */
  refreshStatisticsEvery?: number;
}

const YIELD_POLL_MS = 2;

export class ImportWorker {
  readonly #store: Store;
  readonly #options: Required<Omit<ImportWorkerOptions, 'onBatch' | 'yieldWhile' | 'shortBatchesWhile' | 'onRetry'>> &
    Pick<ImportWorkerOptions, 'onBatch' | 'yieldWhile' | 'shortBatchesWhile' | 'onRetry'>;
  readonly #owner = randomUUID();
  #timer: NodeJS.Timeout | undefined;
  /** The loops running now (at most `concurrency`). */
  readonly #loops = new Set<Promise<void>>();
  /** Counts notify() calls: a loop that found nothing stops only if no notify came since it looked (see #loop). */
  #wakeups = 0;
  #stopped = true;
  /** Rows settled since the planner statistics were last refreshed (see #refreshStatisticsAfterLoad). */
  #settledSinceRefresh = 0;
  /** Rows after which a long import refreshes them before it ends: refreshStatisticsEvery, doubling each time. */
  #refreshAfter: number;
  #idleWaiters: (() => void)[] = [];

  constructor(store: Store, options: ImportWorkerOptions = {}) {
    this.#store = store;
    const batchSize = options.batchSize ?? 500;
    this.#options = {
      batchSize,
      leaseSeconds: options.leaseSeconds ?? 30,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      maxAttempts: options.maxAttempts ?? 5,
      now: options.now ?? (() => new Date()),
      onError: options.onError ?? (() => undefined),
      onBatch: options.onBatch,
      onRetry: options.onRetry,
      yieldWhile: options.yieldWhile,
      shortBatchesWhile: options.shortBatchesWhile,
      maxYieldMs: options.maxYieldMs ?? 1000,
      // Never more than a full batch: an app's default (100) under a caller's smaller batchSize stays that size.
      batchSizeUnderLoad: Math.min(options.batchSizeUnderLoad ?? batchSize, batchSize),
      concurrency: Math.max(1, options.concurrency ?? 1),
      refreshStatisticsEvery: options.refreshStatisticsEvery ?? 10_000,
    };
    this.#refreshAfter = this.#options.refreshStatisticsEvery;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#timer = setInterval(() => this.notify(), this.#options.pollIntervalMs);
    this.#timer.unref();
    this.notify();
  }

  /** There may be work: run now (or right after the batches in hand), with up to `concurrency` loops. */
  notify(): void {
    if (this.#stopped) return;
    this.#wakeups++;
    while (this.#loops.size < this.#options.concurrency) {
      const loop: Promise<void> = this.#loop().then(
        (lastSeen) => this.#loopEnded(loop, lastSeen),
        () => this.#loopEnded(loop, this.#wakeups),
      );
      this.#loops.add(loop);
    }
  }

  /** A notify() that came after the loop's last look (between it and now) starts another. */
  #loopEnded(loop: Promise<void>, lastSeen: number): void {
    this.#loops.delete(loop);
    if (!this.#stopped && lastSeen !== this.#wakeups) this.notify();
    if (this.#loops.size === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /** Resolves when the worker has nothing left to do right now (tests, CLI). */
  async idle(): Promise<void> {
    this.notify();
    while (this.#loops.size > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops polling and waits for the batches in hand to settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all(this.#loops);
  }

  /**
   * Takes batches until one finds nothing to do and no notify() came meanwhile (rows queued while it looked). Returns
   * the count of notify() calls it last saw.
   */
  async #loop(): Promise<number> {
    let again = true;
    let wakeups = this.#wakeups;
    while (again && !this.#stopped) {
      again = false;
      wakeups = this.#wakeups;
      const underLoad = (await this.#yieldToRequests()) || (this.#options.shortBatchesWhile?.() ?? false);
      if (this.#stopped) break;
      try {
        const result = await processImportBatch(this.#store, {
          owner: this.#owner,
          batchSize: underLoad ? this.#options.batchSizeUnderLoad : this.#options.batchSize,
          leaseMs: this.#options.leaseSeconds * 1000,
          maxAttempts: this.#options.maxAttempts,
          now: this.#options.now,
          onRetry: this.#options.onRetry,
        });
        if (result.settled > 0) {
          again = true;
          this.#settledSinceRefresh += result.settled;
          if (this.#settledSinceRefresh >= this.#refreshAfter) {
            // Twice as many rows before the next one: what a plan needs most is statistics at all, and each refresh
            // of a large table reads a sample of it (on PostgreSQL, ANALYZE reads ~30,000 rows of each table).
            this.#refreshAfter *= 2;
            await this.#refreshStatisticsAfterLoad();
          }
          this.#options.onBatch?.(result);
          // Let requests in between batches: with an embedded (synchronous) SQLite a long import would otherwise
          // hold the event loop until its last batch.
          await new Promise<void>((resolve) => setImmediate(resolve));
        } else {
          await completeSyncs(this.#store, this.#options.now());
          await this.#refreshStatisticsAfterLoad();
          this.#refreshAfter = this.#options.refreshStatisticsEvery;
          again = this.#wakeups !== wakeups;
        }
      } catch (err) {
        // Leave the rows leased; the poll (or the lease lapsing) brings them back.
        this.#options.onError(err);
      }
    }
    return wakeups;
  }

  /**
   * The queue drained after registering rows, or a long import registered refreshStatisticsEvery more: the tables
   * just loaded may have no planner statistics yet (the database's own refresh comes up to a minute later, or never
   * where autovacuum is off), and an admin's next step (assigning a profile to the devices just imported) would be
   * planned blind. The store refreshes only what the load made stale.
   */
  async #refreshStatisticsAfterLoad(): Promise<void> {
    if (this.#settledSinceRefresh === 0) return;
    this.#settledSinceRefresh = 0;
    await this.#store.imports.refreshPlannerStatistics();
  }

  /** Waits while requests are in flight (at most maxYieldMs); true when some still are. */
  async #yieldToRequests(): Promise<boolean> {
    const { yieldWhile, maxYieldMs } = this.#options;
    if (!yieldWhile) return false;
    const until = performance.now() + maxYieldMs;
    while (!this.#stopped && yieldWhile()) {
      if (performance.now() >= until) return true;
      await new Promise<void>((resolve) => setTimeout(resolve, YIELD_POLL_MS));
    }
    return false;
  }
}
