// WAL checkpoints of the server's SQLite file, in a thread of their own. A checkpoint copies the pages committed to
// the WAL back into the database file and syncs both. SQLite runs it inside the commit that crosses
// `wal_autocheckpoint`, so on the event loop, since better-sqlite3 is synchronous: with the 64 MB threshold an import
// needs, that commit took 300–420 ms every second or two of a SQLite import, and every request in the process, a PC's
// profile lookup included, waited for it (bench import, 20k devices, 2026-12-07).
//
// The thread only runs a PASSIVE checkpoint when asked, and says how it went. When to ask is the writer's business
// (SqliteConnections, sqlite-driver.ts): it asks while it holds the writer, so that nothing is appended meanwhile, the
// checkpoint copies the whole WAL, and the next write starts the WAL over from its beginning. A thread checkpointing
// on its own while writes kept coming never caught up, and the WAL grew to 450–480 MB in a 100k import until the
// writer's own safety checkpoint ran anyway (and held the event loop 400–600 ms each time). PASSIVE never blocks
// readers, and the event loop serves requests while the writer awaits the thread.
//
// While the thread works, the writer checkpoints never (`wal_autocheckpoint = 0`, SqliteConnections): a safety net
// of 256 MB of WAL still ran inside commits at 1M devices, where 2 s of an import's writes dirty that much (one page
// per random index entry), and each such commit held the event loop 1.6–1.8 s (bench import, 2026-12-07 20:00: the
// 20 slowest statements all commits, each ending with one of the slowest lookups). The WAL between two of the
// thread's checkpoints is then as large as those 2 s of writes; should the thread fail, the writer takes SQLite's
// own checkpoints again (SQLITE_AUTOCHECKPOINT_PAGES).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The writer's automatic checkpoint, in pages (64 MB of WAL), without a thread or once it has failed. Not SQLite's
 * default 4 MB: an import writes each queue row three times (accept, claim, settle) and the same index pages over
 * and over, and a rarer checkpoint copies each page once instead of once per few batches (bench import: commits of
 * the accept path 8x cheaper).
 */
export const SQLITE_AUTOCHECKPOINT_PAGES = 16_384;

/** A PASSIVE checkpoint's result: whether another checkpoint was running, the WAL's frames, and those copied. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** What the thread runs (CommonJS, as an eval'd worker). */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -1024');
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ id: message.id, result });
  } catch (err) {
    // Another process checkpointing: nothing to do this time.
    if (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED') parentPort.postMessage({ id: message.id, result: { busy: 1, log: -1, checkpointed: -1 } });
    else parentPort.postMessage({ id: message.id, error: String(err && err.message) });
  }
});
parentPort.postMessage({ ready: true });
`;

export interface CheckpointThread {
  /** Runs a PASSIVE checkpoint in the thread. */
  checkpoint(): Promise<CheckpointResult>;
  /** Ends the thread after the checkpoint in progress. */
  stop(): Promise<void>;
}

/** Starts the checkpoint thread for the SQLite file `file`; resolves once its connection is open. */
export async function startCheckpointThread(file: string): Promise<CheckpointThread> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  // None of the process's Node options: V8's heap flags (serve's) are refused in a worker, and --input-type=module
  // (`node -e`) would make its script a module.
  const worker = new Worker(THREAD, { eval: true, execArgv: [], workerData: { file, driver } });
  // Idle, the thread keeps no process alive (one that never closes its database may still end); asked to work, it
  // does, so that the awaited answer comes (see `busy`).
  worker.unref();
  const busy = (working: boolean): void => void (working ? worker.ref() : worker.unref());
  const pending = new Map<number, { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }>();
  let failure: Error | undefined;
  const failAll = (err: Error): void => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: { ready?: true; id?: number; result?: CheckpointResult; error?: string }) => {
      if (message.ready) return resolve();
      const waiting = pending.get(message.id ?? -1);
      if (waiting === undefined) return;
      pending.delete(message.id ?? -1);
      if (pending.size === 0) busy(false);
      if (message.error !== undefined) waiting.reject(new Error(`SQLite checkpoint failed: ${message.error}`));
      else waiting.resolve(message.result!);
    });
  });
  worker.on('error', (err) => failAll(err));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      failAll(new Error('the SQLite checkpoint thread has ended'));
      resolve();
    }),
  );
  let next = 0;
  let stopping: Promise<void> | undefined;
  return {
    checkpoint: () => {
      if (failure !== undefined || stopping !== undefined) return Promise.reject(failure ?? new Error('the SQLite checkpoint thread is stopping'));
      const id = next++;
      return new Promise<CheckpointResult>((resolve, reject) => {
        if (pending.size === 0) busy(true);
        pending.set(id, { resolve, reject });
        worker.postMessage({ id });
      });
    },
    stop: () => (stopping ??= (busy(true), worker.postMessage('stop'), exited)),
  };
}
