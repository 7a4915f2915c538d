// Starting Tarmac: open and migrate the database, make sure there is a signing key (and, on an empty database, a
// demo tenant), then listen. Used by `tarmac serve` and by tests that want a real listening server. With
// `--workers N` the cluster's primary does the first part once (prepareDatabase) and each worker process only
// opens the database and listens (startServer with `prepared: true`); see cluster.ts.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import { ConfigError, baseUrlFor, type TarmacConfig } from '../config.js';
import { buildApp } from '../http/app.js';
import type { TarmacApp } from '../http/types.js';
import { createTenantsStore, migrateToLatest, openDatabase, type Db } from '../store/index.js';
import { createDemoTenantIfEmpty, type CreatedDemoTenant } from '../tenants/index.js';
import { KeyRing, demoKeyNotice, resolveKeyEncryptionKey } from '../tokens/index.js';
import { guardConnections, type ConnectionGuard } from './connection-guard.js';

export interface RunningServer {
  app: TarmacApp;
  /** Base URL to reach it (TARMAC_PUBLIC_URL, or the bound address with the real port). */
  url: string;
  port: number;
  /** The demo tenant, when this start created it (the only time its secret is known). */
  demo: CreatedDemoTenant | undefined;
  /** The slow-client timeouts and per-address connection limit on its sockets (their counters). */
  connections: ConnectionGuard;
  /** Stops listening (in-flight requests finish), then closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: FastifyServerOptions['logger'];
  /** Create the demo tenant on an empty database (default true). */
  demo?: boolean;
  /**
   * The database is already migrated, with its demo tenant and signing key (prepareDatabase ran in the cluster's
   * primary): only open it and listen. Default false.
   */
  prepared?: boolean;
  /** Run the import worker in this process (default true). */
  importWorker?: boolean;
  /** Called when import rows were queued here (see BuildAppOptions). */
  onImportsQueued?: () => void;
}

/**
 * Migrates the database, creates the demo tenant on an empty one (unless `demo` is false) and makes sure a signing
 * key exists, then closes it: what the cluster's primary does once before it forks, so that N workers neither race
 * to migrate nor each create a demo tenant or a key of their own.
 */
export async function prepareDatabase(
  config: TarmacConfig,
  options: { demo?: boolean; warn?: (message: string) => void } = {},
): Promise<CreatedDemoTenant | undefined> {
  // First, so that a server without its key-encryption key stops before touching the database.
  const { kek, createdFile } = resolveKeyEncryptionKey(config);
  if (createdFile !== undefined) options.warn?.(demoKeyNotice(createdFile));
  const db = await openDatabase(config);
  try {
    await migrateToLatest(db);
    const tenants = createTenantsStore(db);
    const demo = options.demo === false ? undefined : await createDemoTenantIfEmpty(tenants);
    await new KeyRing(tenants.signingKeys, { kek, overlapSeconds: config.keyOverlapSeconds }).ensure();
    return demo;
  } finally {
    await db.destroy();
  }
}

/** Thrown when the port is taken, with a message that says what to do. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

function readTls(config: TarmacConfig): { key: Buffer; cert: Buffer } | undefined {
  if (!config.tls) return undefined;
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ConfigError(`Cannot read the TLS ${what} ${file}: ${(err as Error).message}.`);
    }
  };
  return { cert: read(config.tls.certFile, 'certificate'), key: read(config.tls.keyFile, 'key') };
}

export async function startServer(config: TarmacConfig, options: StartOptions = {}): Promise<RunningServer> {
  const https = readTls(config);
  const db: Db = await openDatabase(config, { checkpointInBackground: true });
  let app: TarmacApp | undefined;
  try {
    if (!options.prepared) await migrateToLatest(db);
    const demo = options.demo === false || options.prepared ? undefined : await createDemoTenantIfEmpty(createTenantsStore(db));
    app = await buildApp({
      db,
      config,
      logger: options.logger,
      https,
      ...(options.importWorker === false ? { importWorker: false as const } : {}),
      ...(options.onImportsQueued ? { onImportsQueued: options.onImportsQueued } : {}),
    });
    await app.keyRing.ensure();
    const connections = guardConnections(app.server, {
      headersTimeoutMs: config.headersTimeoutSeconds * 1000,
      bodyTimeoutMs: config.bodyTimeoutSeconds * 1000,
      minBodyBytesPerSecond: config.minBodyBytesPerSecond,
      keepAliveTimeoutMs: config.keepAliveTimeoutSeconds * 1000,
      maxPerAddress: config.maxConnectionsPerAddress,
      log: app.log,
    });
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        throw new ListenError(`Port ${config.port} on ${config.host} is in use. Stop the other server, or pass --port (0 picks a free port).`);
      }
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
        throw new ListenError(`Cannot listen on ${config.host}: no such local address. Pass --host 127.0.0.1 (or 0.0.0.0 for all interfaces).`);
      }
      if (code === 'EACCES') {
        throw new ListenError(`Not allowed to listen on port ${config.port}. Use a port above 1023, e.g. --port 8080.`);
      }
      throw err;
    }
    const port = (app.server.address() as AddressInfo).port;
    const running = app;
    return {
      app: running,
      url: baseUrlFor(config, port),
      port,
      demo,
      connections,
      async close() {
        await running.close();
        await db.destroy();
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    throw err;
  }
}
