// The registry on the app: its store, the import worker (started when the app is ready, stopped before it closes),
// the profile downloads' contact writer (settled when the app closes) and the sync interval. Not encapsulated, so
// every route sees `app.registry`. On SQLite the worker holds back its next batch while writing requests are in flight
// (ImportWorker yieldWhile): the embedded engine shares the event loop with them, and a POST …/import must not wait
// behind a batch. PostgreSQL works in its own processes: no need there.
import type { FastifyRequest } from 'fastify';
import { createStore, engineOf } from '../../store/index.js';
import { ImportWorker, type ImportWorkerOptions } from '../../registry/index.js';
import { ContactWriter } from '../../oobe/index.js';
import type { Store } from '../../ports.js';
import { unencapsulated, type TarmacPlugin } from '../types.js';
import { WriteActivity } from '../write-activity.js';

export interface RegistryContext {
  store: Store;
  /** Undefined when the app runs without a worker (importWorker: false): imports then stay `unknown`. */
  worker: ImportWorker | undefined;
  syncIntervalSeconds: number;
  /** Tells the worker that rows arrived (and, through `onImportsQueued`, the other processes' workers). */
  notifyImports(): void;
  /** Profile downloads' contacts, written in batches (src/oobe/contact-writer.ts); settled before the app closes. */
  contacts: ContactWriter;
}

declare module 'fastify' {
  interface FastifyInstance {
    registry: RegistryContext;
  }
}

/**
 * Batches one process's worker has in progress at once on PostgreSQL (ImportWorker `concurrency`): a batch mostly
 * waits on its backend. 100k devices through Graph on the 2-core machine (npm run bench -- import, 2026-12-05):
 * 1, 2, 3, 4 at once: 1,559, 2,077, 2,328, 2,281 devices/s.
 */
const POSTGRES_IMPORT_CONCURRENCY = 3;
/** How long without a writing request before the SQLite worker takes a batch at all (write-activity.ts). */
const WRITES_QUIET_MS = 50;
/**
 * How long without a writing request before the SQLite worker's batches are full ones again; short ones before. A
 * client POSTing list after list leaves gaps of tens of ms (it reads each 2 MB answer before it sends the next): a
 * 2,000-row batch (~0.8 s holding the writer) started in such a gap, and the four POSTs then in flight waited for it
 * (870–900 ms, against ~200–400; 20k import bench, 2026-12-07). A short batch holds the writer ~70 ms.
 */
const WRITES_CALM_MS = 1000;

export interface RegistryContextOptions extends Record<string, unknown> {
  /** false: no worker in this app; otherwise options for it (the lease defaults to the config's). */
  importWorker: false | ImportWorkerOptions;
  /** Called when rows were queued, after this app's own worker was told: `serve --workers` wakes the others. */
  onImportsQueued?: (() => void) | undefined;
}

export const registryContext: TarmacPlugin<RegistryContextOptions> = unencapsulated(async (app, { importWorker, onImportsQueued }) => {
  const store = createStore(app.db);
  const writes = new WriteActivity(WRITES_QUIET_MS);
  if (engineOf(app.db) === 'sqlite') {
    // Only requests that wait for the one writer (imports, other admin writes): reads never wait for it in WAL mode,
    // and counting them would let steady read traffic (the console, PCs' profile downloads) starve the imports.
    // Callback hooks: every request runs them (see request-context.ts).
    app.addHook('onRequest', (request, _reply, done) => {
      if (waitsForTheWriter(request)) writes.started(request);
      done();
    });
    app.addHook('onResponse', (request, _reply, done) => {
      writes.ended(request);
      done();
    });
    app.addHook('onRequestAbort', (request, done) => {
      writes.ended(request);
      done();
    });
  }
  const worker =
    importWorker === false
      ? undefined
      : new ImportWorker(store, {
          leaseSeconds: app.tarmacConfig.importLeaseSeconds,
          onError: (err) => app.log.error({ err }, 'import worker: batch failed; its rows are retried when their lease lapses'),
          onBatch: (result) => app.log.debug({ settled: result.settled }, 'import worker: batch settled'),
          // A key registered meanwhile is expected when imports overlap (debug); the database giving a transaction
          // up (deadlock, serialization failure, busy) is worth a warning, with how many attempts it took so far.
          onRetry: ({ reason, attempt, error }) =>
            reason === 'keyTaken'
              ? app.log.debug({ reason, attempt }, 'import worker: a key of the batch was registered meanwhile; retrying the batch at once')
              : app.log.warn({ reason, attempt, err: error }, `import worker: the database gave the batch's transaction up (${reason}); retrying at once`),
          // SQLite: big batches (each commit rewrites the hot index pages: 2,000 rows a batch registered a 40k
          // import in 16 s against 28 s at 500), short ones (~70 ms) once it has waited maxYieldMs for requests
          // that keep arriving (WriteActivity: in flight, or one less than WRITES_QUIET_MS ago), and while writing
          // requests came less than WRITES_CALM_MS ago.
          ...(engineOf(app.db) === 'sqlite'
            ? {
                yieldWhile: () => writes.busy(),
                shortBatchesWhile: () => writes.busy(WRITES_CALM_MS),
                batchSize: 2000,
                batchSizeUnderLoad: 100,
              }
            : { concurrency: POSTGRES_IMPORT_CONCURRENCY }),
          ...importWorker,
        });
  const contacts = new ContactWriter(store, (err, unwaited) =>
    app.log.error({ err, contacts: unwaited }, 'profile downloads: a batch of contact times failed; each device writes its contact again at its next download'),
  );
  app.decorate('registry', {
    store,
    worker,
    contacts,
    syncIntervalSeconds: app.tarmacConfig.syncIntervalSeconds,
    notifyImports: () => {
      worker?.notify();
      onImportsQueued?.();
    },
  });
  app.addHook('onReady', async () => worker?.start());
  app.addHook('preClose', async () => {
    await worker?.stop();
  });
  // After the last request has answered: the contact times written behind the answers are stored before the database
  // closes.
  app.addHook('onClose', async () => contacts.settled());
}, 'tarmac-registry');

/** A request that writes (not GET/HEAD/OPTIONS), other than the PC's calls, which read and group their writes. */
function waitsForTheWriter(request: FastifyRequest): boolean {
  return request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS' && !request.url.startsWith('/oobe/');
}
