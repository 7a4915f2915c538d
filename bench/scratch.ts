// Fresh databases and a listening app for benchmarks: a temp SQLite directory, or a new PostgreSQL database on the loopback server
// (dropped afterwards). Benchmarks stay on this machine: a non-loopback PostgreSQL URL is skipped, not used.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TarmacApp } from '../src/http/types.js';
import type { CreatedTenant } from '../src/tenants/index.js';

export const POSTGRES_URL = process.env.TARMAC_BENCH_POSTGRES_URL ?? process.env.TARMAC_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Scratch {
  settings: { dataDir: string; databaseUrl: string | undefined };
  drop(): Promise<void>;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

/** `label` names the temp directory or database (tarmac-bench-<label>-…), so leftovers say where they came from. */
export function sqliteScratch(label: string): Scratch {
  const dataDir = mkdtempSync(path.join(tmpdir(), `tarmac-bench-${label}-`));
  return { settings: { dataDir, databaseUrl: undefined }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

export async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

export async function postgresScratch(label: string): Promise<Scratch> {
  const name = `tarmac_bench_${label}_${Math.floor(Date.now() / 1000)}_${process.pid}_${randomUUID().slice(0, 8)}`;
  await withAdmin((c) => c.query(`create database ${name}`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    settings: { dataDir: '/nonexistent', databaseUrl: url.toString() },
    drop: () => withAdmin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** Whether the PostgreSQL half can run (says why not when it cannot). */
export async function postgresAvailable(): Promise<boolean> {
  if (!isLoopback(POSTGRES_URL)) {
    console.log(`  postgres: skipped, ${new URL(POSTGRES_URL).hostname} is not a loopback address (this benchmark stays on this machine)`);
    return false;
  }
  try {
    await withAdmin(async () => undefined);
    return true;
  } catch (err) {
    console.log(`  postgres: skipped, no server at ${POSTGRES_URL} (${(err as Error).message})`);
    return false;
  }
}

/** Starts `app` on an ephemeral loopback port and gets a token for `who` from its own token endpoint. */
export async function listenWithToken(app: TarmacApp, who: CreatedTenant): Promise<{ base: string; token: string }> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the app is not listening on TCP');
  const base = `http://127.0.0.1:${address.port}`;
  const res = await fetch(`${base}/${who.tenant.id}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: who.app.clientId,
      client_secret: who.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return { base, token: ((await res.json()) as { access_token: string }).access_token };
}
