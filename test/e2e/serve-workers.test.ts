// `tarmac serve --workers 2`, the real binary, on SQLite and PostgreSQL: overlapping imports (the same devices in
// three imports, one of them shuffled) posted concurrently to both processes; on PostgreSQL both processes' import
// workers lease and register rows of the same devices at the same time (on SQLite one process runs the import worker). Every device must end up registered exactly once, every other row of it
// refused with 806, and the server's request logs must show more than one process answering. Then one worker is
// killed: the primary starts another and the port keeps answering; SIGTERM stops them all with exit code 0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import { openDatabase, type Db } from '../../src/store/index.js';
import { SERVER_V8_FLAGS } from '../../src/server/node-flags.js';
import { createPostgresScratch, TEST_ENGINES } from '../support/test-databases.js';
import { cli, demoOf, getToken, killAll, removeTemps, serve, stop, tempDir, type Served } from '../support/serve-process.js';
import { shuffled } from '../support/shuffle.js';

afterEach(killAll);
afterAll(removeTemps);

const DEVICES = 1200;
const PER_REQUEST = 100;
const IMPORT_PATH = '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/import';

/** Pids of the processes that logged a completed request (pino's "request completed" lines). */
function servingPids(out: string): Set<number> {
  const pids = new Set<number>();
  for (const line of out.split('\n')) {
    if (!line.includes('"request completed"')) continue;
    pids.add((JSON.parse(line) as { pid: number }).pid);
  }
  return pids;
}

/** Pids of the processes whose import worker settled a batch, and the batches that failed (to be retried). */
function importWork(out: string): { pids: Set<number>; failed: string[] } {
  const pids = new Set<number>();
  const failed: string[] = [];
  for (const line of out.split('\n')) {
    if (line.includes('"import worker: batch settled"')) pids.add((JSON.parse(line) as { pid: number }).pid);
    if (line.includes('import worker: batch failed')) failed.push(line);
  }
  return { pids, failed };
}

/** Worker pids as their "Server listening" lines tell them. */
function listeningPids(out: string): number[] {
  return out
    .split('\n')
    .filter((l) => l.includes('"Server listening at'))
    .map((l) => (JSON.parse(l) as { pid: number }).pid);
}

async function count(db: Db, table: string): Promise<number> {
  return Number((await db.selectFrom(table as 'autopilot_devices').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const engine of TEST_ENGINES) {
  describe(`tarmac serve --workers 2 (${engine})`, () => {
    it(
      `overlapping imports of ${DEVICES} devices through 2 processes register each device exactly once`,
      async () => {
        const dir = tempDir();
        const scratch = engine === 'postgres' ? await createPostgresScratch() : undefined;
        const settings = { dataDir: join(dir, 'data'), databaseUrl: scratch?.url };
        const env: Record<string, string> = {
          TARMAC_DATA_DIR: settings.dataDir,
          // debug: the import worker logs each batch it settles, so the test sees which processes did.
          TARMAC_LOG_LEVEL: 'debug',
          ...(scratch ? { TARMAC_DATABASE_URL: scratch.url } : {}),
        };
        let served: Served | undefined;
        const db = await openDatabase(settings);
        try {
          served = await serve(env, ['--workers', '2']);
          const server = served;
          expect(server.stdout()).toMatch(/2 processes/);
          expect(server.stdout().match(/is listening on/g)).toHaveLength(1);
          expect(server.stdout().match(/Created a demo tenant/g)).toHaveLength(1);
          // Each worker logs its own "Server listening" line, which may reach the pipe after the primary's banner.
          await waitFor('both workers to log that they listen', () => listeningPids(server.stdout()).length >= 2, 10_000);
          const workers = listeningPids(server.stdout());
          expect(new Set(workers).size).toBe(2);

          const demo = demoOf(server.stdout());
          const token = await getToken(server.url, demo.tenant, demo.clientId, demo.clientSecret);
          const hashes = Array.from({ length: DEVICES }, (_, i) => encodeHardwareHash(syntheticInventory(90_000 + i)).base64);
          // Three imports that overlap: devices [0, 800), [400, 1200) and a shuffled [200, 1000).
          const imports = [hashes.slice(0, 800), hashes.slice(400, 1200), shuffled(hashes.slice(200, 1000), engine.length)];
          const bodies: string[] = [];
          for (let i = 0; i < 800; i += PER_REQUEST) {
            for (const list of imports) {
              bodies.push(JSON.stringify({ importedWindowsAutopilotDeviceIdentities: list.slice(i, i + PER_REQUEST).map((h) => ({ hardwareIdentifier: h, groupTag: 'Workers' })) }));
            }
          }
          const rows = imports.reduce((n, list) => n + list.length, 0);
          let next = 0;
          await Promise.all(
            Array.from({ length: 6 }, async () => {
              while (next < bodies.length) {
                const body = bodies[next++];
                const res = await fetch(`${server.url}${IMPORT_PATH}`, {
                  method: 'POST',
                  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                  body,
                });
                expect(res.status).toBe(200);
                await res.arrayBuffer();
              }
            }),
          );

          const waiting = async (): Promise<number> =>
            Number(
              (
                await db
                  .selectFrom('imported_device_identities')
                  .select((eb) => eb.fn.countAll().as('n'))
                  .where('import_status', 'in', ['unknown', 'pending'])
                  .executeTakeFirstOrThrow()
              ).n,
            );
          await waitFor('every import row to settle', async () => (await waiting()) === 0, 120_000);

          const statuses = await db
            .selectFrom('imported_device_identities')
            .select(['import_status', 'device_error_name', (eb) => eb.fn.countAll().as('n')])
            .groupBy(['import_status', 'device_error_name'])
            .execute();
          const byOutcome = Object.fromEntries(statuses.map((s) => [`${s.import_status}${s.device_error_name ? `:${s.device_error_name}` : ''}`, Number(s.n)]));
          console.log(`[${engine}] ${rows} rows settled:`, byOutcome);
          expect(byOutcome).toEqual({ complete: DEVICES, 'error:ZtdDeviceAlreadyAssigned': rows - DEVICES });

          expect(await count(db, 'autopilot_devices')).toBe(DEVICES);
          expect(await count(db, 'autopilot_device_hashes')).toBe(DEVICES);
          expect(await count(db, 'entra_devices')).toBe(DEVICES);
          const serials = await db.selectFrom('autopilot_devices').select('serial_number').execute();
          expect(new Set(serials.map((s) => s.serial_number)).size).toBe(DEVICES);
          const regIds = await db.selectFrom('imported_device_identities').select('device_registration_id').where('import_status', '=', 'complete').execute();
          expect(new Set(regIds.map((r) => r.device_registration_id)).size).toBe(DEVICES);
          const leased = await db.selectFrom('imported_device_identities').select('id').where('lease_owner', 'is not', null).execute();
          expect(leased).toEqual([]);

          // Both processes answered requests (the primary hands connections out round-robin).
          const pids = servingPids(server.stdout());
          expect(pids.size).toBeGreaterThan(1);
          for (const pid of pids) expect(workers).toContain(pid);
          // Each worker runs with the server's V8 flags (its young generation sized for import bodies: node-flags.ts).
          for (const pid of pids) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining([...SERVER_V8_FLAGS]));
          const work = importWork(server.stdout());
          console.log(`[${engine}] import batches settled by ${work.pids.size} processes; ${work.failed.length} failed and were retried`, work.failed.slice(0, 3));
          expect(work.failed).toEqual([]);
          // PostgreSQL: every process runs an import worker. SQLite: one does (one writer at a time), woken through
          // the primary when the other process takes the POST.
          if (engine === 'postgres') expect(work.pids.size).toBeGreaterThan(1);
          else expect(work.pids.size).toBe(1);
          for (const pid of work.pids) expect(workers).toContain(pid);

          // A worker that dies is replaced, and the port keeps answering. The one killed ran an import worker: on
          // SQLite its replacement takes that role over, so imports still complete.
          const victim = [...work.pids][0];
          process.kill(victim, 'SIGKILL');
          await waitFor('the primary to start another worker', () => /worker replaced: listening/.test(server.stdout()));
          expect(server.stdout()).toMatch(/"msg":"worker died; starting another"/);
          await waitFor('the replacement to log that it listens', () => listeningPids(server.stdout()).length >= 3, 10_000);
          const replacement = listeningPids(server.stdout()).at(-1);
          expect(workers).not.toContain(replacement);
          for (let i = 0; i < 6; i++) {
            const res = await fetch(`${server.url}/v1.0/deviceManagement/windowsAutopilotDeviceIdentities?$top=1&$count=true`, {
              headers: { authorization: `Bearer ${token}` },
            });
            expect(res.status).toBe(200);
            expect(((await res.json()) as { '@odata.count': number })['@odata.count']).toBe(DEVICES);
          }
          for (let i = 0; i < 2; i++) {
            const res = await fetch(`${server.url}${IMPORT_PATH}`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ importedWindowsAutopilotDeviceIdentities: [{ hardwareIdentifier: encodeHardwareHash(syntheticInventory(95_000 + i)).base64 }] }),
            });
            expect(res.status).toBe(200);
            await res.arrayBuffer();
          }
          await waitFor('the imports after the restart to settle', async () => (await waiting()) === 0);
          expect(await count(db, 'autopilot_devices')).toBe(DEVICES + 2);

          // A second cluster on the same port: its workers cannot listen, and it says so once (exit 2).
          const port = new URL(server.url).port;
          const second = await cli(env, ['serve', '--port', port, '--host', '127.0.0.1', '--workers', '2']);
          expect(second.code).toBe(2);
          expect(second.stderr).toMatch(new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is in use`));
          expect(second.stdout).not.toMatch(/is listening on/);

          // SIGTERM stops every process; the primary exits 0 once they have.
          expect(await stop(server)).toBe(0);
          for (const pid of [...workers, replacement ?? 0]) expect(() => process.kill(pid, 0)).toThrow();
        } finally {
          await db.destroy();
          await killAll();
          await scratch?.drop();
        }
      },
      240_000,
    );
  });
}
