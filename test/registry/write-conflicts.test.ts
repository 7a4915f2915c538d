// A batch whose transaction the database gives up because of a concurrent one is run again at once, inside the same
// worker call, not after its lease lapses (src/registry/process-imports.ts): the store turns PostgreSQL's 40P01 and
// 40001 and SQLite's busy into WriteConflictError in one place (Store.transaction), and the worker retries it.
//
// PostgreSQL: a real deadlock. Another transaction (on its own connection) holds the last of the batch's keys in key
// order, the worker inserts its keys in order and waits for it there, and then the other transaction asks for the
// first of them, which the worker holds. PostgreSQL breaks the cycle by aborting the worker's transaction (its
// deadlock check runs first: the other sets a longer deadlock_timeout). The other then rolls back, and the retry
// registers both devices. SQLite: a write lock held beyond the busy timeout.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import { importDevices, processImportBatch, type BatchRetry } from '../../src/registry/index.js';
import { newAutopilotDevice } from '../../src/registry/new-device.js';
import type { Registration } from '../../src/registry/ports.js';
import type { IdentityKey } from '../../src/model/index.js';
import { WriteConflictError } from '../../src/ports.js';
import { createStore, SQLITE_FILE_NAME } from '../../src/store/index.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { registryFixture, type RegistryFixture } from '../support/registry-fixture.js';

afterAll(dropPostgresFileDatabase);

const NOW = '2026-03-01T00:00:00.000Z';

function byKey(a: IdentityKey, b: IdentityKey): number {
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** A hashless registration holding exactly `keys` (the other transaction's). */
function holding(tenantId: string, keys: IdentityKey[]): Registration {
  const id = randomUUID();
  return { device: newAutopilotDevice({ id, tenantId, serialNumber: `OTHER-${id.slice(0, 8)}`, productKey: '', azureAdDeviceId: null }, NOW), hardwareHash: null, keys };
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const options = (retries: BatchRetry[]) => ({
  owner: 'w1',
  batchSize: 10,
  leaseMs: 60_000,
  maxAttempts: 5,
  now: () => new Date(NOW),
  onRetry: (r: BatchRetry) => retries.push(r),
});

let f: RegistryFixture | undefined;
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
});

describe('write conflicts (postgres)', () => {
  it('a batch chosen as a deadlock victim is retried at once and registers its devices; nothing waits for the lease', async () => {
    f = await registryFixture('postgres');
    const fixture = f;
    const tenantId = fixture.contoso.tenant.id;
    const inventories = [syntheticInventory(8_100_001), syntheticInventory(8_100_002)];
    const rows = await importDevices(fixture.store, {
      tenantId,
      items: inventories.map((inv) => ({ hardwareIdentifier: encodeHardwareHash(inv).base64 })),
      now: new Date(NOW),
      itemName: (i) => `items[${i}]`,
    });
    const keys = rows.flatMap((r) => (r.decoded?.valid ? r.decoded.keys : [])).sort(byKey);
    const [first, last] = [keys[0]!, keys[keys.length - 1]!];

    const backend = async (): Promise<number[]> =>
      (
        await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(fixture.db)
      ).rows.map((r) => r.pid);
    const retries: BatchRetry[] = [];
    let batch: ReturnType<typeof processImportBatch> | undefined;
    const other = fixture.db
      .transaction()
      .execute(async (trx) => {
        // The worker's deadlock check must be the one that finds the cycle: this side waits longer before it looks.
        await sql`set local deadlock_timeout = '20s'`.execute(trx);
        const theirs = createStore(trx);
        await theirs.devices.register([holding(tenantId, [last])]);
        batch = processImportBatch(fixture.store, options(retries));
        await waitFor('the worker to wait for the last key', async () => (await backend()).length === 1);
        await theirs.devices.register([holding(tenantId, [first])]);
        throw new Error('roll back');
      })
      .catch((err: unknown) => err);
    const otherOutcome = await other;
    expect((otherOutcome as Error).message).toBe('roll back');
    expect(batch).toBeDefined();
    expect(await batch).toEqual({ settled: 2, tenants: [tenantId] });
    expect(retries.map((r) => [r.reason, r.attempt])).toEqual([['deadlock', 1]]);
    expect(retries[0]!.error).toBeInstanceOf(WriteConflictError);

    const settled = await fixture.db.selectFrom('imported_device_identities').select(['import_status', 'lease_until']).execute();
    expect(settled).toEqual([
      { import_status: 'complete', lease_until: null },
      { import_status: 'complete', lease_until: null },
    ]);
    const owners = await fixture.store.identityKeys.owners(keys);
    expect(owners).toHaveLength(keys.length);
  });
});

describe('write conflicts (sqlite)', () => {
  it('a transaction that finds the write lock held beyond the busy timeout rejects with WriteConflictError(busy)', async () => {
    f = await registryFixture('sqlite');
    const fixture = f;
    // Another process's writer, as a second connection holding the write lock; a short busy timeout on ours.
    const holder = new Database(join(fixture.tdb.settings.dataDir, SQLITE_FILE_NAME));
    try {
      await sql`pragma busy_timeout = 50`.execute(fixture.db);
      holder.exec('begin immediate');
      const err = await fixture.store.transaction(async (tx) => tx.imports.countUnprocessed(fixture.contoso.tenant.id)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WriteConflictError);
      expect(err).toMatchObject({ reason: 'busy', cause: { code: 'SQLITE_BUSY' } });
      holder.exec('rollback');
      // Once the lock is free the same transaction goes through.
      expect(await fixture.store.transaction(async (tx) => tx.imports.countUnprocessed(fixture.contoso.tenant.id))).toBe(0);
    } finally {
      holder.close();
    }
  });
});
