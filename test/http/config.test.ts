// Configuration from the environment and the command line, with errors that say what to write instead.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, baseUrlFor, describeDatabase, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('defaults to SQLite in ./data, 127.0.0.1:8080, info logs, no TLS, URLs from requests', () => {
    expect(loadConfig({})).toEqual({
      dataDir: resolve('./data'),
      databaseUrl: undefined,
      host: '127.0.0.1',
      port: 8080,
      publicBaseUrl: undefined,
      tls: undefined,
      logLevel: 'info',
      syncIntervalSeconds: 600,
      importLeaseSeconds: 30,
      auditRetentionDays: 365,
      graphRateLimit: 10_000,
      graphRateWindowSeconds: 60,
      oobeRateLimit: 120,
      workers: availableParallelism(),
      demo: true,
      keyEncryptionKey: undefined,
      keyEncryptionKeyFile: undefined,
      keyOverlapSeconds: 86_400,
      tokenEndpoint: { perClient: 300, perTenant: 1200, lockoutFailures: 10, lockoutSeconds: 300 },
      headersTimeoutSeconds: 15,
      bodyTimeoutSeconds: 30,
      minBodyBytesPerSecond: 16_384,
      keepAliveTimeoutSeconds: 72,
      maxConnectionsPerAddress: 128,
    });
  });

  it('reads the environment, and command-line values win', () => {
    const env = {
      TARMAC_DATA_DIR: '/var/lib/tarmac',
      TARMAC_DATABASE_URL: 'postgres://tarmac@db:5432/tarmac',
      PORT: '9000',
      TARMAC_HOST: '0.0.0.0',
      TARMAC_PUBLIC_URL: 'https://tarmac.example.com/',
      TARMAC_LOG_LEVEL: 'WARN',
      TARMAC_TLS_CERT: 'c.pem',
      TARMAC_TLS_KEY: 'k.pem',
      TARMAC_WORKERS: '3',
      TARMAC_KEY_ENCRYPTION_KEY_FILE: 'kek',
      TARMAC_KEY_OVERLAP_SECONDS: '7200',
      TARMAC_TOKEN_CLIENT_RATE_LIMIT: '5',
      TARMAC_TOKEN_TENANT_RATE_LIMIT: '0',
      TARMAC_TOKEN_LOCKOUT_FAILURES: '3',
      TARMAC_TOKEN_LOCKOUT_SECONDS: '60',
      TARMAC_HEADERS_TIMEOUT_SECONDS: '5',
      TARMAC_BODY_TIMEOUT_SECONDS: '60',
      TARMAC_MIN_BODY_RATE: '0',
      TARMAC_KEEP_ALIVE_TIMEOUT_SECONDS: '10',
      TARMAC_MAX_CONNECTIONS_PER_ADDRESS: '0',
    };
    expect(loadConfig(env)).toEqual({
      dataDir: '/var/lib/tarmac',
      databaseUrl: 'postgres://tarmac@db:5432/tarmac',
      host: '0.0.0.0',
      port: 9000,
      publicBaseUrl: 'https://tarmac.example.com',
      tls: { certFile: resolve('c.pem'), keyFile: resolve('k.pem') },
      logLevel: 'warn',
      syncIntervalSeconds: 600,
      importLeaseSeconds: 30,
      auditRetentionDays: 365,
      graphRateLimit: 10_000,
      graphRateWindowSeconds: 60,
      oobeRateLimit: 120,
      workers: 3,
      // PostgreSQL is never the demo setup.
      demo: false,
      keyEncryptionKey: undefined,
      keyEncryptionKeyFile: resolve('kek'),
      keyOverlapSeconds: 7200,
      tokenEndpoint: { perClient: 5, perTenant: 0, lockoutFailures: 3, lockoutSeconds: 60 },
      headersTimeoutSeconds: 5,
      bodyTimeoutSeconds: 60,
      minBodyBytesPerSecond: 0,
      keepAliveTimeoutSeconds: 10,
      maxConnectionsPerAddress: 0,
    });
    expect(loadConfig({ TARMAC_DEMO: 'false' })).toMatchObject({ demo: false });
    expect(loadConfig({ TARMAC_KEY_ENCRYPTION_KEY: ' abc ' })).toMatchObject({ demo: true, keyEncryptionKey: 'abc' });
    expect(loadConfig(env, { port: '0', host: '::1', workers: '1' })).toMatchObject({ port: 0, host: '::1', workers: 1 });
  });

  it('refuses values it cannot use, naming the setting', () => {
    expect(() => loadConfig({ PORT: '80a' })).toThrow(/PORT must be a TCP port/);
    expect(() => loadConfig({}, { port: '70000' })).toThrow(/--port must be a TCP port/);
    expect(() => loadConfig({ TARMAC_DATABASE_URL: 'sqlite://x.db' })).toThrow(/TARMAC_DATABASE_URL must be a PostgreSQL URL/);
    expect(() => loadConfig({ TARMAC_PUBLIC_URL: 'ftp://x' })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => loadConfig({ TARMAC_AUDIT_RETENTION_DAYS: '0' })).toThrow(/TARMAC_AUDIT_RETENTION_DAYS must be a whole number of days from 1 to 36500; got '0'/);
    expect(loadConfig({ TARMAC_AUDIT_RETENTION_DAYS: '30' }).auditRetentionDays).toBe(30);
    expect(() => loadConfig({ TARMAC_PUBLIC_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => loadConfig({ TARMAC_TLS_CERT: 'c.pem' })).toThrow(/both a certificate and a key/);
    expect(() => loadConfig({ TARMAC_LOG_LEVEL: 'loud' })).toThrow(/TARMAC_LOG_LEVEL must be one of/);
    expect(() => loadConfig({}, { workers: '0' })).toThrow(/--workers must be a number of processes from 1/);
    expect(() => loadConfig({ TARMAC_WORKERS: 'all' })).toThrow(/TARMAC_WORKERS must be a number of processes/);
    expect(() => loadConfig({ TARMAC_DEMO: 'maybe' })).toThrow(/TARMAC_DEMO must be true or false/);
    // A retired key must outlive the tokens it signed (one hour) with a margin.
    expect(() => loadConfig({ TARMAC_KEY_OVERLAP_SECONDS: '3600' })).toThrow(/TARMAC_KEY_OVERLAP_SECONDS must be a whole number of seconds from 7200 to 2592000/);
    expect(() => loadConfig({ TARMAC_TOKEN_LOCKOUT_FAILURES: 'ten' })).toThrow(/TARMAC_TOKEN_LOCKOUT_FAILURES must be a whole number/);
    // A timeout of 0 would mean none at all: the slow-client timeouts start at one second.
    expect(() => loadConfig({ TARMAC_HEADERS_TIMEOUT_SECONDS: '0' })).toThrow(/TARMAC_HEADERS_TIMEOUT_SECONDS must be a whole number of seconds from 1/);
    expect(() => loadConfig({ TARMAC_BODY_TIMEOUT_SECONDS: '0' })).toThrow(/TARMAC_BODY_TIMEOUT_SECONDS must be a whole number of seconds from 1/);
    expect(() => loadConfig({ TARMAC_KEEP_ALIVE_TIMEOUT_SECONDS: '1.5' })).toThrow(/TARMAC_KEEP_ALIVE_TIMEOUT_SECONDS must be a whole number/);
    expect(() => loadConfig({ TARMAC_MIN_BODY_RATE: '16k' })).toThrow(/TARMAC_MIN_BODY_RATE must be a whole number/);
    expect(() => loadConfig({ TARMAC_MAX_CONNECTIONS_PER_ADDRESS: '-1' })).toThrow(/TARMAC_MAX_CONNECTIONS_PER_ADDRESS must be a whole number/);
  });
});

describe('baseUrlFor and describeDatabase', () => {
  it('shows wildcard binds as loopback, brackets IPv6, prefers the public URL', () => {
    const config = loadConfig({});
    expect(baseUrlFor(config, 8080)).toBe('http://127.0.0.1:8080');
    expect(baseUrlFor({ ...config, host: '0.0.0.0' }, 1234)).toBe('http://127.0.0.1:1234');
    expect(baseUrlFor({ ...config, host: '::' }, 1234)).toBe('http://[::1]:1234');
    expect(baseUrlFor({ ...config, host: 'fe80::1' }, 1)).toBe('http://[fe80::1]:1');
    expect(baseUrlFor({ ...config, tls: { certFile: 'c', keyFile: 'k' } }, 443)).toBe('https://127.0.0.1:443');
    expect(baseUrlFor({ ...config, publicBaseUrl: 'https://x.example' }, 1)).toBe('https://x.example');
  });

  it('never shows a database password', () => {
    expect(describeDatabase({ dataDir: '/d', databaseUrl: 'postgres://u:s3cret@h/db' })).toBe('PostgreSQL postgres://u:***@h/db');
    expect(describeDatabase({ dataDir: '/d', databaseUrl: undefined })).toBe('SQLite in /d');
  });
});
