// Crash safety of imports: SIGKILL the real server while its worker is registering a large import, start it again
// on the same database, and check that every imported row reaches complete/error and every device is registered
// exactly once (one Autopilot device, one Entra object, one set of identity keys each). SQLite and PostgreSQL.
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import { openDatabase, type Db } from '../../src/store/index.js';
import { createPostgresScratch, TEST_ENGINES } from '../support/test-databases.js';
import { demoOf, getToken, killAll, removeTemps, serve, stop, tempDir } from '../support/serve-process.js';

afterEach(killAll);
afterAll(removeTemps);

const DEVICES = 3000;
const LEASE_SECONDS = 2;

async function statusCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('imported_device_identities')
    .select(['import_status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('import_status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.import_status, Number(r.n)]));
}

async function registeredCount(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/v1.0/deviceManagement/windowsAutopilotDeviceIdentities?$count=true&$top=1&$select=id`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { '@odata.count': number })['@odata.count'];
}

for (const engine of TEST_ENGINES) {
  describe(`import worker crash and restart (${engine})`, () => {
    it(
      `SIGKILL mid-import of ${DEVICES} devices; after restart each is registered exactly once`,
      async () => {
        const dir = tempDir();
        const scratch = engine === 'postgres' ? await createPostgresScratch() : undefined;
        const settings = { dataDir: join(dir, 'data'), databaseUrl: scratch?.url };
        const env: Record<string, string> = {
          TARMAC_DATA_DIR: settings.dataDir,
          TARMAC_IMPORT_LEASE_SECONDS: String(LEASE_SECONDS),
          ...(scratch ? { TARMAC_DATABASE_URL: scratch.url } : {}),
        };
        try {
          const first = await serve(env);
          const demo = demoOf(first.stdout());
          const token = await getToken(first.url, demo.tenant, demo.clientId, demo.clientSecret);
          const body = JSON.stringify({
            importedWindowsAutopilotDeviceIdentities: Array.from({ length: DEVICES }, (_, i) => ({
              hardwareIdentifier: encodeHardwareHash(syntheticInventory(70_000 + i)).base64,
              groupTag: 'Crash',
            })),
          });
          const posted = await fetch(`${first.url}/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/import`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body,
          });
          expect(posted.status).toBe(200);
          // Wait until the worker is visibly under way, then kill the process without warning.
          let registered = 0;
          for (let i = 0; i < 2000 && registered === 0; i++) registered = await registeredCount(first.url, token);
          first.child.kill('SIGKILL');
          await first.exited;

          const db = await openDatabase(settings);
          try {
            const atCrash = await statusCounts(db);
            const leasedAtCrash = await db.selectFrom('imported_device_identities').select('id').where('lease_owner', 'is not', null).where('import_status', '=', 'unknown').execute();
            console.log(`[${engine}] at SIGKILL: ${registered} devices seen registered; rows by status`, atCrash, `; ${leasedAtCrash.length} leased by the dead worker`);
            expect((atCrash.unknown ?? 0) + (atCrash.complete ?? 0)).toBe(DEVICES);
            // The crash did interrupt the import (otherwise this test proves nothing).
            expect(atCrash.unknown ?? 0).toBeGreaterThan(0);

            const second = await serve(env);
            const started = Date.now();
            let counts = atCrash;
            while ((counts.unknown ?? 0) > 0 && Date.now() - started < 60_000) {
              await new Promise((r) => setTimeout(r, 100));
              counts = await statusCounts(db);
            }
            console.log(`[${engine}] after restart: all settled in ${Date.now() - started} ms (lease ${LEASE_SECONDS} s)`, counts);
            expect(counts).toEqual({ complete: DEVICES });

            const one = async (query: string): Promise<number> => Number((await db.selectFrom(query as 'autopilot_devices').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
            expect(await one('autopilot_devices')).toBe(DEVICES);
            expect(await one('autopilot_device_hashes')).toBe(DEVICES);
            expect(await one('entra_devices')).toBe(DEVICES);
            const regIds = await db.selectFrom('imported_device_identities').select('device_registration_id').execute();
            expect(new Set(regIds.map((r) => r.device_registration_id)).size).toBe(DEVICES);
            const orphans = await db
              .selectFrom('imported_device_identities')
              .leftJoin('autopilot_devices', 'autopilot_devices.id', 'imported_device_identities.device_registration_id')
              .select('imported_device_identities.id')
              .where('autopilot_devices.id', 'is', null)
              .execute();
            expect(orphans).toEqual([]);
            const leased = await db.selectFrom('imported_device_identities').select('id').where('lease_owner', 'is not', null).execute();
            expect(leased).toEqual([]);
            expect(await registeredCount(second.url, token)).toBe(DEVICES);
            expect(await stop(second)).toBe(0);
          } finally {
            await db.destroy();
          }
        } finally {
          await killAll();
          await scratch?.drop();
        }
      },
      180_000,
    );
  });
}
