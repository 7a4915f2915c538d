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
    });
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
