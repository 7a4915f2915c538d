// Several OS processes, each importing batches of the same devices (in different orders, into two tenants) and each
// running an import worker against one database, round after round; then a round of hardware changes: the first
// round's devices are flagged manualRemediationRequired and every process re-imports their new hashes. What must
// hold, on both engines:
// - no deadlock (PostgreSQL 40P01), not even one the worker retried, and no failed run (a failed run leaves its rows
//   waiting for their lease to lapse);
// - exactly once: per device, one `complete` row and every other row of it 806 (in the tenant that holds it) or 808
//   (in the other); one Autopilot device, Entra object and hash each, its keys once; per hardware change, one
//   `complete` row (the same device, its new hash and keys, no longer flagged) and the others 806/808.
// Each process is a real process (fork), as in `tarmac serve --workers N`: SQLite's locks only show between
// processes, and on PostgreSQL each has its own connection pool. Before the batch's writes took their locks in one
// order (src/store/device-repository.ts), the round of hardware changes deadlocked on PostgreSQL and remediated a
// device twice. TARMAC_TEST_IMPORT_{PROCESSES,ROUNDS,DEVICES,BATCH} make it bigger.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deviceIdentity } from '../../src/hash/index.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { ENGINES, registryFixture, type RegistryFixture } from '../support/registry-fixture.js';
import { deviceHash, deviceInventory } from './fixtures/devices.js';
import type { FromChild, ToChild } from './fixtures/import-process.js';
import { shuffled } from '../support/shuffle.js';

afterAll(dropPostgresFileDatabase);

const CHILD = fileURLToPath(new URL('./fixtures/import-process.ts', import.meta.url));
const PROCESSES = Number(process.env.TARMAC_TEST_IMPORT_PROCESSES ?? 4);
const ROUNDS = Number(process.env.TARMAC_TEST_IMPORT_ROUNDS ?? 3);
/** New devices per round; every process imports all of them. */
const DEVICES = Number(process.env.TARMAC_TEST_IMPORT_DEVICES ?? 80);
/** Rows per worker batch: several batches per round, so that the processes' batches run at once and overlap. */
const BATCH = Number(process.env.TARMAC_TEST_IMPORT_BATCH ?? 40);

class Child {
  readonly process: ChildProcess;
  readonly #waiting: { type: FromChild['type']; resolve: (m: FromChild) => void; reject: (e: Error) => void }[] = [];
  #stderr = '';

  constructor(settings: object) {
    this.process = fork(CHILD, [JSON.stringify(settings)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    this.process.stderr?.on('data', (c: Buffer) => (this.#stderr += c.toString()));
    this.process.on('message', (m: FromChild) => {
      const next = this.#waiting.shift();
      if (!next) return;
      if (m.type === 'error') next.reject(new Error(`import process failed: ${m.message}`));
      else if (m.type !== next.type) next.reject(new Error(`expected ${next.type}, got ${m.type}`));
      else next.resolve(m);
    });
    this.process.on('exit', (code) => {
      for (const w of this.#waiting.splice(0)) w.reject(new Error(`import process exited with ${code}: ${this.#stderr}`));
    });
  }

  /** The next message, which must be of this type. */
  next<T extends FromChild['type']>(type: T): Promise<Extract<FromChild, { type: T }>> {
    return new Promise((resolve, reject) => this.#waiting.push({ type, resolve: resolve as (m: FromChild) => void, reject }));
  }

  async ask<T extends FromChild['type']>(message: ToChild, answer: T): Promise<Extract<FromChild, { type: T }>> {
    const reply = this.next(answer);
    this.process.send(message);
    return reply;
  }
}

function add(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

describe.each(ENGINES)('concurrent imports from several processes (%s)', (engine) => {
  let f: RegistryFixture | undefined;
  const children: Child[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.process.exitCode === null) c.process.kill('SIGKILL');
    }
    await f?.cleanup();
  });

  it(`${PROCESSES} processes × ${ROUNDS} rounds × ${DEVICES} devices, then a round of hardware changes: no deadlock, no failed run, each device registered (and remediated) once`, async () => {
    f = await registryFixture(engine);
    const fixture = f;
    const tenants = [fixture.contoso.tenant.id, fixture.fabrikam.tenant.id];
    // A short lease: should a run fail anyway, its rows come back within the test (and the failure is counted).
    for (let p = 0; p < PROCESSES; p++) children.push(new Child({ ...fixture.tdb.settings, leaseSeconds: 2, batchSize: BATCH }));
    await Promise.all(children.map((c) => c.next('ready')));

    const failures: Record<string, number> = {};
    const retries: Record<string, number> = {};
    const runRound = async (round: number, seeds: number[], newBoard: boolean): Promise<void> => {
      // Process 0 lists the devices in one order, process 1 in the reverse order, the others shuffled: the same
      // keys in opposite orders; even processes import into contoso, odd ones into fabrikam.
      const orders = children.map((_, p) => (p === 0 ? seeds : p === 1 ? [...seeds].reverse() : shuffled(seeds, round * 31 + p)));
      // One creation time for all of a round's rows: the queue is then in row-id (random) order, so each batch a
      // worker claims mixes every process's rows, and the batches running at once share most of their devices.
      const now = new Date(Date.UTC(2026, 0, 1, 0, round)).toISOString();
      await Promise.all(children.map((c, p) => c.ask({ type: 'import', now, batches: [{ tenantId: tenants[p % 2], seeds: orders[p], newBoard }] }, 'imported')));
      for (const { report } of await Promise.all(children.map((c) => c.ask({ type: 'drain' }, 'drained')))) {
        add(failures, report.failures);
        add(retries, report.retries);
      }
    };
    for (let round = 0; round < ROUNDS; round++) await runRound(round, seedsOf(round), false);
    // Round 0's devices got a new mainboard and were flagged manualRemediationRequired; every process re-imports
    // their new hashes: the owner's first row replaces the registered hardware, every other row is 806/808.
    const registered = await outcomesByHash(fixture);
    const changed = seedsOf(0);
    const changedIds = changed.map((seed) => registered.get(deviceHash(seed))?.find((r) => r.import_status === 'complete')?.device_registration_id ?? '');
    await fixture.db.updateTable('autopilot_devices').set({ remediation_state: 'manualRemediationRequired' }).where('id', 'in', changedIds).execute();
    await runRound(ROUNDS, changed, true);
    await Promise.all(children.map((c) => new Promise((resolve) => c.process.once('exit', resolve).send({ type: 'exit' } satisfies ToChild))));
    console.log(`[${engine}] ${PROCESSES} processes × (${ROUNDS} + 1) rounds × ${DEVICES} devices: failed runs`, failures, 'retries inside runs', retries);

    // Exactly once: per device (and per hardware change), one complete row, every other row of it refused as
    // already registered: 806 in the tenant that holds it, 808 in the other.
    const byHash = await outcomesByHash(fixture);
    expect([...byHash.values()].flat()).toHaveLength(PROCESSES * (ROUNDS + 1) * DEVICES);
    expect(byHash.size).toBe((ROUNDS + 1) * DEVICES);
    const devices = new Map((await fixture.db.selectFrom('autopilot_devices').select(['id', 'tenant_id', 'remediation_state']).execute()).map((d) => [d.id, d]));
    expect(devices.size).toBe(ROUNDS * DEVICES);
    const outcomes: Record<string, number> = {};
    for (const [hash, rows] of byHash) {
      const complete = rows.filter((r) => r.import_status === 'complete');
      expect(complete, hash.slice(0, 16)).toHaveLength(1);
      const owner = devices.get(complete[0].device_registration_id ?? '')?.tenant_id;
      expect(owner, hash.slice(0, 16)).toBe(complete[0].tenant_id);
      for (const r of rows) {
        const outcome = r.import_status === 'complete' ? 'complete' : r.device_error_name;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (r.import_status !== 'complete') expect(outcome, hash.slice(0, 16)).toBe(r.tenant_id === owner ? 'ZtdDeviceAlreadyAssigned' : 'ZtdDeviceAssignedToOtherTenant');
      }
    }
    console.log(`[${engine}] outcomes`, outcomes);
    // The hardware changes: the same devices, now with the new hash and the new keys, no longer flagged.
    for (const [i, seed] of changed.entries()) {
      const [complete] = (byHash.get(deviceHash(seed, true)) ?? []).filter((r) => r.import_status === 'complete');
      expect(complete?.device_registration_id).toBe(changedIds[i]);
      expect(devices.get(changedIds[i])?.remediation_state).toBe('noRemediationRequired');
      const hash = await fixture.store.devices.hardwareHash(devices.get(changedIds[i])?.tenant_id ?? '', changedIds[i]);
      expect(hash?.toString('base64')).toBe(deviceHash(seed, true));
    }
    const count = async (table: 'entra_devices' | 'device_identity_keys' | 'autopilot_device_hashes'): Promise<number> =>
      Number((await fixture.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count('entra_devices')).toBe(ROUNDS * DEVICES);
    expect(await count('autopilot_device_hashes')).toBe(ROUNDS * DEVICES);
    const keysOf = (seed: number, newBoard: boolean): number => deviceIdentity(deviceInventory(seed, newBoard)).keys.length;
    const expectedKeys = allSeeds().reduce((n, seed) => n + keysOf(seed, changed.includes(seed)), 0);
    expect(await count('device_identity_keys')).toBe(expectedKeys);
    // No deadlock at all (not even one the worker retried), and no run failed: nothing waited for a lease to lapse.
    expect(retries.deadlock ?? 0).toBe(0);
    expect(failures).toEqual({});
  }, 120_000);
});

type OutcomeRow = { tenant_id: string; import_status: string; device_error_name: string; device_registration_id: string | null };

/** Every import row, by its hash (a synthetic device's hash is the same bytes in every process). */
async function outcomesByHash(fixture: RegistryFixture): Promise<Map<string, OutcomeRow[]>> {
  const rows = await fixture.db
    .selectFrom('imported_device_identities')
    .innerJoin('imported_device_hashes', 'imported_device_hashes.imported_device_id', 'imported_device_identities.id')
    .select(['tenant_id', 'import_status', 'device_error_name', 'device_registration_id', 'hardware_identifier'])
    .execute();
  const byHash = new Map<string, OutcomeRow[]>();
  for (const { hardware_identifier: bytes, ...row } of rows) {
    const hash = Buffer.from(bytes ?? []).toString('base64');
    byHash.set(hash, [...(byHash.get(hash) ?? []), row]);
  }
  return byHash;
}

/** Round `round`'s devices. */
function seedsOf(round: number): number[] {
  return Array.from({ length: DEVICES }, (_, i) => 7_000_000 + round * 10_000 + i);
}

function allSeeds(): number[] {
  return Array.from({ length: ROUNDS }, (_, round) => seedsOf(round)).flat();
}
