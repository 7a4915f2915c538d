// Tarmac's runtime configuration, read from the environment once and passed down explicitly. Nothing else in
// src/ reads process.env for settings, so tests build a config object instead of mutating the environment.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

export interface TlsFiles {
  /** PEM certificate (chain) file. */
  certFile: string;
  /** PEM private key file. */
  keyFile: string;
}

export interface TarmacConfig {
  /** Absolute path of the data directory (SQLite database). `TARMAC_DATA_DIR`, default `./data`. */
  dataDir: string;
  /** `postgres://…` to use PostgreSQL instead of SQLite. `TARMAC_DATABASE_URL`. */
  databaseUrl: string | undefined;
  /** Interface to bind. `TARMAC_HOST`, default 127.0.0.1 (loopback only). */
  host: string;
  /** TCP port; 0 picks a free one. `PORT`, default 8080. */
  port: number;
  /**
   * The URL clients use to reach this server, without a trailing slash (`TARMAC_PUBLIC_URL`), e.g. when behind a
   * proxy. When unset, URLs in responses (OIDC discovery, `@odata.context`) are derived from each request's Host.
   */
  publicBaseUrl: string | undefined;
  /** Serve HTTPS with these files (`TARMAC_TLS_CERT`, `TARMAC_TLS_KEY`). Microsoft's Graph SDK sends tokens only over https. */
  tls: TlsFiles | undefined;
  /** pino level: fatal, error, warn, info, debug, trace, silent. `TARMAC_LOG_LEVEL`, default info. */
  logLevel: LogLevel;
  /** Minimum time between two manual Autopilot syncs of a tenant. `TARMAC_SYNC_INTERVAL_SECONDS`, default 600. */
  syncIntervalSeconds: number;
  /**
   * How long the import worker's claim on a batch lasts; rows of a crashed worker are taken up again after it.
   * `TARMAC_IMPORT_LEASE_SECONDS`, default 30.
   */
  importLeaseSeconds: number;
  /**
   * Days the audit log keeps an event; older ones are purged by the server (hourly) and by `tarmac audit purge`.
   * `TARMAC_AUDIT_RETENTION_DAYS`, default 365 (Intune keeps one year).
   */
  auditRetentionDays: number;
  /**
   * Graph requests each (tenant, app) may make per window; beyond it, 429 with Retry-After. `$batch` sub-requests
   * count one each. `TARMAC_GRAPH_RATE_LIMIT`, default 10000; 0 turns throttling off.
   */
  graphRateLimit: number;
  /** The throttling window. `TARMAC_GRAPH_RATE_WINDOW_SECONDS`, default 60. */
  graphRateWindowSeconds: number;
  /**
   * Device-side (/oobe/v1) requests each client address may make per minute; beyond it, 429 with Retry-After.
   * `TARMAC_OOBE_RATE_LIMIT`, default 120; 0 turns the limit off.
   */
  oobeRateLimit: number;
  /**
   * Processes `tarmac serve` runs on the one port (node:cluster); 1 serves from a single process. `--workers` or
   * `TARMAC_WORKERS`, default the number of cores (os.availableParallelism()).
   */
  workers: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
export const DEFAULT_DATA_DIR = './data';

/** A setting that cannot be used; the message names the variable or option and what to write instead. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Command-line values, which win over the environment. Strings as commander hands them over. */
export interface ConfigOverrides {
  port?: string | number | undefined;
  host?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  workers?: string | number | undefined;
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, overrides: ConfigOverrides = {}): TarmacConfig {
  const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

  const port = parsePort(overrides.port ?? nonEmpty(env.PORT), overrides.port !== undefined ? '--port' : 'PORT');
  const host = nonEmpty(overrides.host) ?? nonEmpty(env.TARMAC_HOST) ?? DEFAULT_HOST;

  const databaseUrl = nonEmpty(env.TARMAC_DATABASE_URL);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new ConfigError(
      'TARMAC_DATABASE_URL must be a PostgreSQL URL (postgres://user@host:5432/db); unset it to use SQLite in TARMAC_DATA_DIR.',
    );
  }

  const publicUrl = nonEmpty(env.TARMAC_PUBLIC_URL);
  let publicBaseUrl: string | undefined;
  if (publicUrl !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(publicUrl);
    } catch {
      throw new ConfigError(`TARMAC_PUBLIC_URL '${publicUrl}' is not a URL; write it as https://tarmac.example.com.`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ConfigError(`TARMAC_PUBLIC_URL must start with http:// or https:// (got '${publicUrl}').`);
    }
    publicBaseUrl = `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
  }

  const certFile = nonEmpty(overrides.tlsCert) ?? nonEmpty(env.TARMAC_TLS_CERT);
  const keyFile = nonEmpty(overrides.tlsKey) ?? nonEmpty(env.TARMAC_TLS_KEY);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError('HTTPS needs both a certificate and a key: pass --tls-cert and --tls-key (or TARMAC_TLS_CERT and TARMAC_TLS_KEY).');
  }
  const tls = certFile !== undefined && keyFile !== undefined ? { certFile: resolve(certFile), keyFile: resolve(keyFile) } : undefined;

  const level = (nonEmpty(env.TARMAC_LOG_LEVEL) ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`TARMAC_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got '${level}').`);
  }

  return {
    dataDir: resolve(nonEmpty(env.TARMAC_DATA_DIR) ?? DEFAULT_DATA_DIR),
    databaseUrl,
    host,
    port,
    publicBaseUrl,
    tls,
    logLevel: level as LogLevel,
    syncIntervalSeconds: parseSeconds(nonEmpty(env.TARMAC_SYNC_INTERVAL_SECONDS), 'TARMAC_SYNC_INTERVAL_SECONDS', 600),
    importLeaseSeconds: parseSeconds(nonEmpty(env.TARMAC_IMPORT_LEASE_SECONDS), 'TARMAC_IMPORT_LEASE_SECONDS', 30, 1),
    auditRetentionDays: parseDays(nonEmpty(env.TARMAC_AUDIT_RETENTION_DAYS), 'TARMAC_AUDIT_RETENTION_DAYS', 365),
    graphRateLimit: parseCount(nonEmpty(env.TARMAC_GRAPH_RATE_LIMIT), 'TARMAC_GRAPH_RATE_LIMIT', 10_000),
    graphRateWindowSeconds: parseSeconds(nonEmpty(env.TARMAC_GRAPH_RATE_WINDOW_SECONDS), 'TARMAC_GRAPH_RATE_WINDOW_SECONDS', 60, 1),
    oobeRateLimit: parseCount(nonEmpty(env.TARMAC_OOBE_RATE_LIMIT), 'TARMAC_OOBE_RATE_LIMIT', 120),
    workers: parseWorkers(
      overrides.workers ?? nonEmpty(env.TARMAC_WORKERS),
      overrides.workers !== undefined ? '--workers' : 'TARMAC_WORKERS',
    ),
  };
}

function parseSeconds(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > 86_400) {
    throw new ConfigError(`${name} must be a whole number of seconds from ${min} to 86400; got '${value}'.`);
  }
  return n;
}

function parseDays(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 36_500) {
    throw new ConfigError(`${name} must be a whole number of days from 1 to 36500; got '${value}'.`);
  }
  return n;
}

function parseCount(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > 1_000_000_000) {
    throw new ConfigError(`${name} must be a whole number (0 turns the limit off); got '${value}'.`);
  }
  return n;
}

/** Most processes `--workers` accepts: far beyond any machine's cores, low enough to catch a typo. */
export const MAX_WORKERS = 256;

function parseWorkers(value: string | number | undefined, source: string): number {
  if (value === undefined) return availableParallelism();
  const text = String(value).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > MAX_WORKERS) {
    throw new ConfigError(`${source} must be a number of processes from 1 to ${MAX_WORKERS} (1 serves from one process); got '${text}'.`);
  }
  return n;
}

function parsePort(value: string | number | undefined, source: string): number {
  if (value === undefined) return DEFAULT_PORT;
  const text = String(value).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ConfigError(`${source} must be a TCP port from 0 to 65535 (0 picks a free one); got '${text}'.`);
  }
  return n;
}

/**
 * The base URL people and clients should use for a server listening on `port` (the real port, when 0 was asked).
 * TARMAC_PUBLIC_URL wins; otherwise the bound host, with wildcard addresses shown as loopback.
 */
export function baseUrlFor(config: Pick<TarmacConfig, 'publicBaseUrl' | 'host' | 'tls'>, port: number): string {
  if (config.publicBaseUrl !== undefined) return config.publicBaseUrl;
  const scheme = config.tls ? 'https' : 'http';
  let host = config.host;
  if (host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::') host = '[::1]';
  else if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
  return `${scheme}://${host}:${port}`;
}

/** A short description of where data lives, for messages: the PostgreSQL URL without its password, or the SQLite file. */
export function describeDatabase(config: Pick<TarmacConfig, 'databaseUrl' | 'dataDir'>): string {
  if (config.databaseUrl === undefined) return `SQLite in ${config.dataDir}`;
  try {
    const u = new URL(config.databaseUrl);
    if (u.password) u.password = '***';
    return `PostgreSQL ${u.toString()}`;
  } catch {
    return 'PostgreSQL (TARMAC_DATABASE_URL)';
  }
}
