// `tarmac serve --workers N`: N processes serving one port through node:cluster. The primary prepares the database
// once (migrations, the demo tenant, the signing key: prepareDatabase), then forks N workers that re-run the same
// command line; each worker opens the database itself and listens (the primary owns the socket and hands connections
// to the workers round-robin, except on Windows where the OS does). The primary serves nothing; it
// - resolves once every worker listens (so the banner prints once, with the real port when --port 0 was asked);
// - restarts a worker that dies after start-up, and logs it (a worker that dies within seconds of its start is
//   restarted after a growing delay, so that a broken database does not make it spin);
// - on close, tells every worker to stop (each finishes its in-flight requests and its import batch, then exits)
//   and kills those still running after STOP_TIMEOUT_MS.
// A worker whose primary disappears (SIGKILL) exits at once: Node's cluster does that when the IPC channel closes.
//
// Import workers: on PostgreSQL every process runs one (they share the queue through leases, SKIP LOCKED). On SQLite
// only one process does: there is one writer at a time, and a process waiting for the write lock waits with its
// event loop blocked (better-sqlite3 is synchronous), so N pollers would stall N processes' requests behind each
// import batch for no gain. A process that queues rows wakes its own import worker and tells the primary, which
// wakes the import workers of the other processes (instead of their next poll, up to a second later).
//
// What N processes share, and what they do not (README, "Architecture"): the database is the only shared state.
// Import rows are leased through it (import-worker.ts), signing keys live in it (every process loads the same ones),
// sync state is in it. The rate limits (Graph throttling, the token and /oobe/v1 per-address limits, failed sign-in
// lock-outs) count in each process's memory, so with N processes a caller may get up to N times the budget.
import cluster, { type Worker } from 'node:cluster';
import { hostname } from 'node:os';
import { baseUrlFor, type TarmacConfig } from '../config.js';
import { loggerOptions } from '../http/log-redaction.js';
import type { CreatedDemoTenant } from '../tenants/index.js';
import { ListenError, prepareDatabase, startServer, type StartOptions } from './start-server.js';
import { withServerFlags } from './node-flags.js';

/** How long the primary waits for its workers to finish after asking them to stop, before it kills them. */
export const STOP_TIMEOUT_MS = 15_000;
/** A worker that dies sooner than this after its start counts as a quick death: its replacement waits. */
const QUICK_DEATH_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/** Messages between the primary and its workers (over the cluster's IPC channel). */
type ToWorker = { tarmac: 'stop' } | { tarmac: 'imports' };
type ToPrimary = { tarmac: 'failed'; message: string; listen: boolean } | { tarmac: 'imports' };
/** Set by the primary in a worker's environment: '1' when that worker runs an import worker. */
const IMPORTS_ENV = 'TARMAC_CLUSTER_RUNS_IMPORTS';

export interface RunningCluster {
  url: string;
  port: number;
  /** The demo tenant, when this start created it. */
  demo: CreatedDemoTenant | undefined;
  workers: number;
  /** Asks every worker to stop and resolves when all have exited. */
  close(): Promise<void>;
  /** Kills every worker now (a second Ctrl+C). */
  kill(): void;
}

/** The primary's log: pino-shaped JSON lines on stdout, like the workers' Fastify logs, filtered by TARMAC_LOG_LEVEL. */
export interface ClusterLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const PINO_LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

export function clusterLog(level: TarmacConfig['logLevel'], write: (line: string) => void = (l) => process.stdout.write(l)): ClusterLog {
  const threshold = PINO_LEVELS[level] ?? 30;
  const at =
    (n: number) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      if (n < threshold) return;
      write(`${JSON.stringify({ level: n, time: Date.now(), pid: process.pid, hostname: hostname(), role: 'primary', ...fields, msg })}\n`);
    };
  return { info: at(30), warn: at(40), error: at(50) };
}

/** Whether this process is a worker forked by startCluster. */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/**
 * In the primary: prepares the database, forks `config.workers` processes running this same command line, and
 * resolves once all of them listen. Rejects (with every worker stopped) if one fails to start: ListenError when the
 * port could not be bound.
 */
export async function startCluster(config: TarmacConfig, log: ClusterLog, options: { demo?: boolean } = {}): Promise<RunningCluster> {
  if (!cluster.isPrimary) throw new Error('startCluster runs in the primary process only');
  const demo = await prepareDatabase(config, { ...options, warn: (message) => log.warn(message) });
  const count = config.workers;
  const startedAt = new Map<Worker, number>();
  // Which workers run an import worker: all on PostgreSQL, one on SQLite (its replacement takes over when it dies).
  const everyWorkerImports = config.databaseUrl !== undefined;
  const importers = new Set<Worker>();
  let stopping = false;
  let ready = false;
  let port = -1;
  let quickDeaths = 0;
  const restarts = new Set<NodeJS.Timeout>();

  let settle!: { resolve: () => void; reject: (err: Error) => void };
  const allListening = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  let listening = 0;

  const fork = (): Worker => {
    const runsImports = everyWorkerImports || importers.size === 0;
    const worker = cluster.fork({ [IMPORTS_ENV]: runsImports ? '1' : '0' });
    // A message to a worker whose channel just closed is an 'error' event: unhandled, it would end the primary.
    worker.on('error', (err) => log.warn('worker channel error', { worker: worker.process.pid, err: err.message }));
    startedAt.set(worker, Date.now());
    if (runsImports) importers.add(worker);
    return worker;
  };

  const onListening = (worker: Worker, address: { port: number }): void => {
    port = address.port;
    if (ready) {
      log.info('worker replaced: listening', { worker: worker.process.pid });
      return;
    }
    if (++listening === count) {
      ready = true;
      settle.resolve();
    }
  };
  const onMessage = (worker: Worker, message: unknown): void => {
    const m = message as { tarmac?: unknown; message?: unknown; listen?: unknown } | null;
    if (m?.tarmac === 'imports') {
      for (const importer of importers) if (importer !== worker && importer.isConnected()) importer.send({ tarmac: 'imports' } satisfies ToWorker);
      return;
    }
    if (m?.tarmac !== 'failed' || typeof m.message !== 'string') return;
    if (!ready) settle.reject(m.listen ? new ListenError(m.message) : new Error(m.message));
    else log.error('worker failed to start', { worker: worker.process.pid, err: m.message });
  };
  const onExit = (worker: Worker, code: number | null, signal: string | null): void => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    importers.delete(worker);
    if (stopping) return;
    if (!ready) {
      settle.reject(new Error(`A worker process exited (${signal ?? `code ${code}`}) before it was listening; see its log above.`));
      return;
    }
    quickDeaths = lived < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
    const delay = quickDeaths === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** quickDeaths);
    log.error('worker died; starting another', { worker: worker.process.pid, code, signal, livedMs: lived, restartInMs: delay });
    if (delay === 0) {
      fork();
      return;
    }
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (!stopping) fork();
    }, delay);
    restarts.add(timer);
  };
  cluster.on('listening', onListening);
  cluster.on('message', onMessage);
  cluster.on('exit', onExit);

  const living = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  const kill = (): void => {
    stopping = true;
    for (const w of living()) w.process.kill('SIGKILL');
  };
  const close = async (): Promise<void> => {
    stopping = true;
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    const workers = living();
    const exited = workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))));
    for (const w of workers) {
      if (w.isConnected()) w.send({ tarmac: 'stop' } satisfies ToWorker);
      else w.process.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      for (const w of living()) w.process.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
    await Promise.all(exited);
    clearTimeout(timer);
    cluster.off('listening', onListening);
    cluster.off('message', onMessage);
    cluster.off('exit', onExit);
  };

  cluster.setupPrimary({ execArgv: withServerFlags(process.execArgv, process.env.NODE_OPTIONS) });
  for (let i = 0; i < count; i++) fork();
  try {
    await allListening;
  } catch (err) {
    await close();
    throw err;
  }
  return { url: baseUrlFor(config, port), port, demo, workers: count, close, kill };
}

/**
 * In a worker: opens the prepared database and listens, then serves until the primary says stop (or this process
 * gets SIGINT/SIGTERM itself, as every process of a terminal's foreground group does on Ctrl+C). Returns the exit code.
 */
export async function runClusterWorker(config: TarmacConfig, options: Pick<StartOptions, 'logger'> = {}): Promise<number> {
  let server;
  try {
    server = await startServer(config, {
      // The same logger as a single-process serve (secrets redacted) unless the caller gives one.
      logger: loggerOptions(config),
      ...options,
      prepared: true,
      importWorker: process.env[IMPORTS_ENV] !== '0',
      onImportsQueued: () => void tellPrimary({ tarmac: 'imports' }),
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Sent before this process exits (process.send is asynchronous), so that the primary can say why.
    await tellPrimary({ tarmac: 'failed', message, listen: err instanceof ListenError });
    return 2;
  }
  const running = server;
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('message', onMessage);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    const onMessage = (message: unknown): void => {
      const m = message as Partial<ToWorker> | null;
      if (m?.tarmac === 'stop') stop();
      // Rows queued in another process: this one's import worker takes its share now rather than at its next poll.
      else if (m?.tarmac === 'imports') running.app.registry.worker?.notify();
    };
    process.on('message', onMessage);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

/** Sends a message to the primary; resolves once it is written (or at once when the channel is gone). */
function tellPrimary(message: ToPrimary): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}
