// Tarmac's runtime configuration, read from the environment once and passed down explicitly. Nothing else in
// src/ reads process.env for settings, so tests build a config object instead of mutating the environment.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { DEFAULT_KEY_OVERLAP_SECONDS, MIN_KEY_OVERLAP_SECONDS } from './tokens/signing-keys.js';
import { DEFAULT_TOKEN_ENDPOINT_LIMITS, type TokenEndpointLimits } from './tokens/token-endpoint-guard.js';

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
  /**
   * The demo setup: SQLite in the data directory and `TARMAC_DEMO` not `false` (default). Only there may Tarmac make
   * its own key-encryption key (<dataDir>/key-encryption.key); anywhere else a server needs one to start.
   */
  demo: boolean;
  /** The key that encrypts token signing keys at rest: 32 bytes, base64 or hex. `TARMAC_KEY_ENCRYPTION_KEY`. */
  keyEncryptionKey: string | undefined;
  /** A file holding it instead (absolute path). `TARMAC_KEY_ENCRYPTION_KEY_FILE`. */
  keyEncryptionKeyFile: string | undefined;
  /**
   * How long a signing key retired by `tarmac keys rotate` keeps verifying tokens and stays in the JWKS.
   * `TARMAC_KEY_OVERLAP_SECONDS`, default 86400 (24 h), at least 7200.
   */
  keyOverlapSeconds: number;
  /**
   * The token endpoint's limits (v1 and v2 together, per process): `TARMAC_TOKEN_CLIENT_RATE_LIMIT` (requests per
   * client per minute, default 300), `TARMAC_TOKEN_TENANT_RATE_LIMIT` (per tenant, default 1200),
   * `TARMAC_TOKEN_LOCKOUT_FAILURES` (failed client authentications that lock a client, default 10; 0 turns the
   * lockout off) within `TARMAC_TOKEN_LOCKOUT_SECONDS` (default 300).
   */
  tokenEndpoint: TokenEndpointLimits;
  /**
   * Time a client has to send a request's headers, from its connection (or the end of its previous response).
   * `TARMAC_HEADERS_TIMEOUT_SECONDS`, default 15.
   */
  headersTimeoutSeconds: number;
  /**
   * Time a client has to send a request's body after its headers, extended by one second for every
   * `minBodyBytesPerSecond` bytes received (so a large import on a slow link goes through, a stalled one does not).
   * `TARMAC_BODY_TIMEOUT_SECONDS`, default 30.
   */
  bodyTimeoutSeconds: number;
  /** The body rate that extends bodyTimeoutSeconds; 0 makes it a flat limit. `TARMAC_MIN_BODY_RATE` (bytes a second), default 16384. */
  minBodyBytesPerSecond: number;
  /** How long an idle keep-alive connection stays open. `TARMAC_KEEP_ALIVE_TIMEOUT_SECONDS`, default 72. */
  keepAliveTimeoutSeconds: number;
  /**
   * Open connections each client address may have, per process; beyond it a new connection first closes one of that
   * address's idle keep-alive connections, else it is refused. `TARMAC_MAX_CONNECTIONS_PER_ADDRESS`, default 128;
   * 0 turns the limit off.
   */
  maxConnectionsPerAddress: number;
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

  const demoText = (nonEmpty(env.TARMAC_DEMO) ?? 'true').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(demoText)) throw new ConfigError(`TARMAC_DEMO must be true or false (got '${demoText}').`);
  const kekFile = nonEmpty(env.TARMAC_KEY_ENCRYPTION_KEY_FILE);

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
    demo: databaseUrl === undefined && (demoText === 'true' || demoText === '1'),
    keyEncryptionKey: nonEmpty(env.TARMAC_KEY_ENCRYPTION_KEY),
    keyEncryptionKeyFile: kekFile === undefined ? undefined : resolve(kekFile),
    keyOverlapSeconds: parseSeconds(
      nonEmpty(env.TARMAC_KEY_OVERLAP_SECONDS),
      'TARMAC_KEY_OVERLAP_SECONDS',
      DEFAULT_KEY_OVERLAP_SECONDS,
      MIN_KEY_OVERLAP_SECONDS,
      30 * 86_400,
    ),
    tokenEndpoint: {
      perClient: parseCount(nonEmpty(env.TARMAC_TOKEN_CLIENT_RATE_LIMIT), 'TARMAC_TOKEN_CLIENT_RATE_LIMIT', DEFAULT_TOKEN_ENDPOINT_LIMITS.perClient),
      perTenant: parseCount(nonEmpty(env.TARMAC_TOKEN_TENANT_RATE_LIMIT), 'TARMAC_TOKEN_TENANT_RATE_LIMIT', DEFAULT_TOKEN_ENDPOINT_LIMITS.perTenant),
      lockoutFailures: parseCount(nonEmpty(env.TARMAC_TOKEN_LOCKOUT_FAILURES), 'TARMAC_TOKEN_LOCKOUT_FAILURES', DEFAULT_TOKEN_ENDPOINT_LIMITS.lockoutFailures),
      lockoutSeconds: parseSeconds(nonEmpty(env.TARMAC_TOKEN_LOCKOUT_SECONDS), 'TARMAC_TOKEN_LOCKOUT_SECONDS', DEFAULT_TOKEN_ENDPOINT_LIMITS.lockoutSeconds, 1),
    },
    headersTimeoutSeconds: parseSeconds(nonEmpty(env.TARMAC_HEADERS_TIMEOUT_SECONDS), 'TARMAC_HEADERS_TIMEOUT_SECONDS', 15, 1),
    bodyTimeoutSeconds: parseSeconds(nonEmpty(env.TARMAC_BODY_TIMEOUT_SECONDS), 'TARMAC_BODY_TIMEOUT_SECONDS', 30, 1),
    minBodyBytesPerSecond: parseCount(nonEmpty(env.TARMAC_MIN_BODY_RATE), 'TARMAC_MIN_BODY_RATE', 16_384),
    keepAliveTimeoutSeconds: parseSeconds(nonEmpty(env.TARMAC_KEEP_ALIVE_TIMEOUT_SECONDS), 'TARMAC_KEEP_ALIVE_TIMEOUT_SECONDS', 72, 1),
    maxConnectionsPerAddress: parseCount(nonEmpty(env.TARMAC_MAX_CONNECTIONS_PER_ADDRESS), 'TARMAC_MAX_CONNECTIONS_PER_ADDRESS', 128),
  };
}

function parseSeconds(value: string | undefined, name: string, fallback: number, min = 0, max = 86_400): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number of seconds from ${min} to ${max}; got '${value}'.`);
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
