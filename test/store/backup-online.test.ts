// An online backup while imports run (issue 12, item 7), on both engines: the app's import worker registers devices
// in small batches while a backup is taken from another connection, and the backup waits at every table's end until
// the worker has committed another batch — so rows keep changing between the tables it reads. The restored copy must
// still be one consistent moment: every complete import row has its device (with hash, identity keys and Entra
// object) and every device its complete import row, nothing half-applied. The backup never blocks the writer (else
// the wait would never end), and once the imports finish the source has every device: nothing lost.
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { restoreLines, tableChecksums, writeBackup } from '../../src/store/backup/index.js';
import { openDatabase, type Db } from '../../src/store/index.js';
import { IMPORTS } from '../support/device-side.js';
import { graphFixture } from '../support/graph-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { createTestDatabase, dropPostgresFileDatabase } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const DEVICES = 600;
const PER_REQUEST = 100;

async function count(db: Db, query: ReturnType<typeof sql<{ n: number | string }>>): Promise<number> {
  return Number((await query.execute(db)).rows[0]?.n ?? 0);
}
const completeImports = sql<{ n: number | string }>`select count(*) as n from imported_device_identities where import_status = 'complete'`;
const waitingImports = sql<{ n: number | string }>`select count(*) as n from imported_device_identities where import_status in ('unknown', 'pending')`;

describe.each(ENGINES)('an online backup while imports run (%s)', (engine) => {
  it('is one consistent snapshot, does not block the imports, and loses nothing', async () => {
    const f = await graphFixture(engine, { importWorker: { pollIntervalMs: 20, batchSize: 8 } });
    const backupDb = await openDatabase(f.tdb.settings);
    const copy = await createTestDatabase(engine);
    try {
      for (let first = 0; first < DEVICES; first += PER_REQUEST) {
        const rows = Array.from({ length: PER_REQUEST }, (_, i) => ({ hardwareIdentifier: syntheticHash(40_000 + first + i), groupTag: 'Online' }));
        const res = await f.call(f.contoso, 'POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: rows });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
      // Mid-way: some devices registered, most still queued.
      for (let i = 0; i < 2000 && (await count(f.tdb.db, completeImports)) < 16; i++) await new Promise((r) => setTimeout(r, 10));

      const lines: string[] = [];
      let waits = 0;
      await writeBackup(
        backupDb,
        async (chunk) => {
          lines.push(chunk);
          if (!chunk.startsWith('{"end":') || (await count(f.tdb.db, waitingImports)) === 0) return;
          // Let the worker commit another batch before the next table is read.
          const before = await count(f.tdb.db, completeImports);
          for (let i = 0; (await count(f.tdb.db, completeImports)) === before; i++) {
            if ((await count(f.tdb.db, waitingImports)) === 0) return;
            if (i > 1500) throw new Error('no import committed while the backup was open: the backup blocks the writer');
            await new Promise((r) => setTimeout(r, 10));
          }
          waits++;
        },
        { tarmacVersion: 'test' },
      );
      expect(waits, 'the imports committed while the backup read its tables').toBeGreaterThan(3);

      const text = lines.join('');
      await restoreLines(copy.db, text.slice(0, -1).split('\n'));
      const restoredComplete = await count(copy.db, completeImports);
      const restoredDevices = await count(copy.db, sql<{ n: number }>`select count(*) as n from autopilot_devices`);
      expect(restoredComplete).toBeGreaterThan(0);
      expect(restoredComplete).toBeLessThan(DEVICES);
      expect(restoredDevices).toBe(restoredComplete);
      const orphans = await count(
        copy.db,
        sql<{ n: number }>`select count(*) as n from imported_device_identities i
          where i.import_status = 'complete' and not exists (select 1 from autopilot_devices d where d.id = i.device_registration_id)`,
      );
      expect(orphans).toBe(0);
      const incomplete = await count(
        copy.db,
        sql<{ n: number }>`select count(*) as n from autopilot_devices d
          where not exists (select 1 from autopilot_device_hashes h where h.device_id = d.id)
             or not exists (select 1 from device_identity_keys k where k.device_id = d.id)
             or not exists (select 1 from entra_devices e where e.autopilot_device_id = d.id)
             or not exists (select 1 from imported_device_identities i where i.device_registration_id = d.id and i.import_status = 'complete')`,
      );
      expect(incomplete).toBe(0);

      // The imports go on to the end: every device is in the source.
      for (let i = 0; i < 6000 && (await count(f.tdb.db, waitingImports)) > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await count(f.tdb.db, completeImports)).toBe(DEVICES);
      expect((await tableChecksums(f.tdb.db)).autopilot_devices?.rows).toBe(DEVICES);
    } finally {
      await backupDb.destroy();
      await copy.cleanup();
      await f.cleanup();
    }
  }, 180_000);
});
