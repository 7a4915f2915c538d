// The registry domain on both engines: import → worker → registered devices, every DDS outcome, group tags kept in
// step with the Entra object, deregistration, crash recovery through leases, concurrent workers, sync.
import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportWorker, ZTD_ERRORS, deregisterBySerialNumbers, deregisterDevice, getAutopilotSettings, importDevices, processImportBatch, requestSync, updateDevice, type ImportItem, type ImportedDevice } from '../../src/registry/index.js';
import { type Store } from '../../src/ports.js';
import { autopilotDeviceModel, importedDeviceModel } from '../../src/store/index.js';
import { syntheticInventory } from '../../src/hash/index.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { ENGINES, firstPage, registryFixture, syntheticHash, type RegistryFixture } from '../support/registry-fixture.js';

afterAll(dropPostgresFileDatabase);

const itemName = (i: number): string => `item[${i}]`;

async function importAndProcess(store: Store, tenantId: string, items: ImportItem[]): Promise<ImportedDevice[]> {
  const rows = await importDevices(store, { tenantId, items, now: new Date(), itemName });
  const worker = new ImportWorker(store, { pollIntervalMs: 60_000 });
  worker.start();
  await worker.idle();
  await worker.stop();
  return Promise.all(rows.map(async (r) => (await store.imports.find(tenantId, r.id)) as ImportedDevice));
}

describe.each(ENGINES)('registry (%s)', (engine) => {
  let f: RegistryFixture;
  let contoso: string;
  let fabrikam: string;
  beforeEach(async () => {
    f = await registryFixture(engine);
    contoso = f.contoso.tenant.id;
    fabrikam = f.fabrikam.tenant.id;
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('registers imported devices: Autopilot device notContacted, hash kept, Entra object with [ZTDID] and [OrderID]', async () => {
    const inv = syntheticInventory(1);
    const [row] = await importAndProcess(f.store, contoso, [{ hardwareIdentifier: syntheticHash(1), serialNumber: 'ignored-if-hash-has-one', groupTag: 'Sales' }]);
    expect(row).toMatchObject({ status: 'complete', deviceErrorCode: 0, deviceErrorName: '' });
    const device = await f.store.devices.find(contoso, row.deviceRegistrationId ?? '');
    expect(device).toMatchObject({
      serialNumber: inv.system.serialNumber,
      manufacturer: inv.system.manufacturer,
      model: inv.system.model,
      groupTag: 'Sales',
      enrollmentState: 'notContacted',
    });
    const entra = await f.store.entra.findByAutopilotDevice(contoso, device?.id ?? '');
    expect(entra?.deviceId).toBe(device?.azureAdDeviceId);
    expect(entra?.physicalIds).toEqual([`[ZTDID]:${device?.id}`, '[OrderID]:Sales']);
    const hash = await f.db.selectFrom('autopilot_device_hashes').selectAll().where('device_id', '=', device?.id ?? '').executeTakeFirst();
    expect(Buffer.from(hash?.hardware_hash ?? []).toString('base64')).toBe(syntheticHash(1));
  });

  it('806 for the same device in the same tenant (a new capture of it), 808 in another tenant', async () => {
    await importAndProcess(f.store, contoso, [{ hardwareIdentifier: syntheticHash(2) }]);
    // The same machine captured again later: a different hash, the same identity.
    const recaptured = syntheticHash(2, { build: { capturedAt: '2030-01-01T00:00:00Z' } });
    expect(recaptured).not.toBe(syntheticHash(2));
    const [again] = await importAndProcess(f.store, contoso, [{ hardwareIdentifier: recaptured }]);
    expect(again).toMatchObject({ status: 'error', deviceErrorCode: 806, deviceErrorName: 'ZtdDeviceAlreadyAssigned', deviceRegistrationId: null });
    const [other] = await importAndProcess(f.store, fabrikam, [{ hardwareIdentifier: syntheticHash(2) }]);
    expect(other).toMatchObject({ status: 'error', deviceErrorCode: 808, deviceErrorName: 'ZtdDeviceAssignedToOtherTenant' });
    expect((await f.store.devices.list(fabrikam, firstPage(autopilotDeviceModel, 10))).items).toEqual([]);
  });

  it('twice in one import: the first is processed, the rest ZtdDeviceDuplicated', async () => {
    const rows = await importAndProcess(f.store, contoso, [
      { hardwareIdentifier: syntheticHash(3) },
      { hardwareIdentifier: syntheticHash(4) },
      { hardwareIdentifier: syntheticHash(3, { build: { capturedAt: '2031-01-01T00:00:00Z' } }) },
    ]);
    expect(rows.map((r) => [r.status, r.deviceErrorName])).toEqual([
      ['complete', ''],
      ['complete', ''],
      ['error', 'ZtdDeviceDuplicated'],
    ]);
    expect(rows[2].deviceErrorCode).toBe(ZTD_ERRORS.ZtdDeviceDuplicated);
  });

  it('802 for a bad or missing hash, 803 when neither serial nor product key identifies the device', async () => {
    const good = Buffer.from(syntheticHash(5), 'base64');
    good[100] ^= 0xff; // breaks the checksum
    const rows = await importAndProcess(f.store, contoso, [
      { hardwareIdentifier: good.toString('base64'), serialNumber: 'X1' },
      { hardwareIdentifier: '', serialNumber: 'X2' },
      { hardwareIdentifier: syntheticHash(6, { system: { serialNumber: 'To be filled by O.E.M.' }, productKey: { productKeyId: null, partNumber: null } }) },
    ]);
    expect(rows.map((r) => [r.deviceErrorCode, r.deviceErrorName])).toEqual([
      [802, 'InvalidZtdHardwareHash'],
      [802, 'InvalidZtdHardwareHash'],
      [803, 'MissingZtdSerialNumberAndProductKey'],
    ]);
  });

  it('decodes each hash once: the accepted row carries the keys and fields; the worker registers from them, and decodes only rows that carry none', async () => {
    const inv = syntheticInventory(8);
    const [accepted] = await importDevices(f.store, { tenantId: contoso, items: [{ hardwareIdentifier: syntheticHash(8) }], now: new Date(), itemName });
    const stored = await f.store.imports.find(contoso, accepted.id);
    expect(stored?.decoded).toMatchObject({ valid: true, serialNumber: inv.system.serialNumber, hardware: { manufacturer: inv.system.manufacturer, model: inv.system.model } });
    expect(stored?.decoded?.valid === true && stored.decoded.keys.length).toBeGreaterThan(0);
    // What the worker registers comes from the row, not from the hash: a row whose carried fields differ shows it.
    const carried = { ...(stored?.decoded as Extract<ImportedDevice['decoded'], { valid: true }>), hardware: { manufacturer: 'Carried', model: 'Fields', skuNumber: '', systemFamily: '' } };
    const base = { ...(stored as ImportedDevice), status: 'unknown' as const, deviceErrorCode: 0, deviceErrorName: '' };
    await f.store.imports.delete(contoso, accepted.id);
    await f.store.imports.insertMany([{ ...base, decoded: carried }]);
    // A row nobody decoded (as partner rows and rows from before migration 0009 are): the worker decodes its hash.
    const undecoded = { ...base, id: crypto.randomUUID(), hardwareIdentifier: Buffer.from(syntheticHash(9), 'base64'), decoded: null };
    await f.store.imports.insertMany([undecoded]);
    const worker = new ImportWorker(f.store, { pollIntervalMs: 60_000 });
    worker.start();
    await worker.idle();
    await worker.stop();
    const [a, b] = await Promise.all([accepted.id, undecoded.id].map(async (id) => (await f.store.imports.find(contoso, id)) as ImportedDevice));
    expect([a.status, b.status]).toEqual(['complete', 'complete']);
    expect(await f.store.devices.find(contoso, a.deviceRegistrationId ?? '')).toMatchObject({ manufacturer: 'Carried', model: 'Fields' });
    expect(await f.store.devices.find(contoso, b.deviceRegistrationId ?? '')).toMatchObject({ serialNumber: syntheticInventory(9).system.serialNumber, manufacturer: syntheticInventory(9).system.manufacturer });
  });

  it('rejects text that is not base64 at once, naming the item', async () => {
    await expect(importDevices(f.store, { tenantId: contoso, items: [{ hardwareIdentifier: syntheticHash(7) }, { hardwareIdentifier: 'not base64!' }], now: new Date(), itemName })).rejects.toThrow(
      /item\[1\]\.hardwareIdentifier is not base64/,
    );
    expect((await f.store.imports.list(contoso, firstPage(importedDeviceModel, 10))).items).toEqual([]);
  });

  it('rejects a hash text longer than 64 KiB at once, naming the item, and stores nothing', async () => {
    const longest = 'A'.repeat(65_536);
    await expect(importDevices(f.store, { tenantId: contoso, items: [{ hardwareIdentifier: syntheticHash(7) }, { hardwareIdentifier: `${longest}A` }], now: new Date(), itemName })).rejects.toThrow(
      /item\[1\]\.hardwareIdentifier is 65537 characters long/,
    );
    expect((await f.store.imports.list(contoso, firstPage(importedDeviceModel, 10))).items).toEqual([]);
    // At the limit the text is taken (and judged as a hash by the worker: this one is not a valid hash).
    const [row] = await importDevices(f.store, { tenantId: contoso, items: [{ hardwareIdentifier: longest }], now: new Date(), itemName });
    expect(row?.status).toBe('unknown');
  });

  it('a group tag change moves [OrderID] on the Entra object in step; deregistering frees the device for another tenant', async () => {
    const [row] = await importAndProcess(f.store, contoso, [{ hardwareIdentifier: syntheticHash(8), groupTag: 'Old' }]);
    const id = row.deviceRegistrationId ?? '';
    const updated = await updateDevice(f.store, contoso, id, { groupTag: 'New', displayName: 'KIOSK-1' }, new Date());
    expect(updated).toMatchObject({ groupTag: 'New', displayName: 'KIOSK-1' });
    expect((await f.store.entra.findByAutopilotDevice(contoso, id))?.physicalIds).toEqual([`[ZTDID]:${id}`, '[OrderID]:New']);
    await updateDevice(f.store, contoso, id, { groupTag: '' }, new Date());
    expect((await f.store.entra.findByAutopilotDevice(contoso, id))?.physicalIds).toEqual([`[ZTDID]:${id}`]);

    // Another tenant cannot touch it: not found, as if it did not exist.
    await expect(updateDevice(f.store, fabrikam, id, { groupTag: 'Mine' }, new Date())).rejects.toMatchObject({ code: 'NotFound' });
    await expect(deregisterDevice(f.store, fabrikam, id, new Date())).rejects.toMatchObject({ code: 'NotFound' });

    await deregisterDevice(f.store, contoso, id, new Date());
    expect(await f.store.devices.find(contoso, id)).toBeUndefined();
    expect(await f.store.entra.findByAutopilotDevice(contoso, id)).toBeUndefined();
    const [moved] = await importAndProcess(f.store, fabrikam, [{ hardwareIdentifier: syntheticHash(8) }]);
    expect(moved.status).toBe('complete');
  });

  it('deleteDevices by serial number: accepted per device, failed for unknown serials and for other tenants’ devices', async () => {
    const [row] = await importAndProcess(f.store, contoso, [{ hardwareIdentifier: syntheticHash(9) }]);
    const serial = syntheticInventory(9).system.serialNumber ?? '';
    expect(await deregisterBySerialNumbers(f.store, fabrikam, [serial], new Date())).toMatchObject([{ serialNumber: serial, deletionState: 'failed' }]);
    expect(await deregisterBySerialNumbers(f.store, contoso, [serial, 'NOPE'], new Date())).toEqual([
      { serialNumber: serial, deviceRegistrationId: row.deviceRegistrationId, deletionState: 'accepted', errorMessage: '' },
      { serialNumber: 'NOPE', deviceRegistrationId: '', deletionState: 'failed', errorMessage: "No Autopilot device with serial number 'NOPE' in this tenant." },
    ]);
  });

  it('holds a batch back while yieldWhile answers true (requests first), and runs it once it answers false', async () => {
    let holding = true;
    const rows = await importDevices(f.store, { tenantId: contoso, items: [{ hardwareIdentifier: syntheticHash(10) }], now: new Date(), itemName });
    const worker = new ImportWorker(f.store, { pollIntervalMs: 60_000, maxYieldMs: 60_000, yieldWhile: () => holding });
    worker.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await f.store.imports.find(contoso, rows[0].id))?.status).toBe('unknown');
    holding = false;
    await worker.idle();
    await worker.stop();
    expect((await f.store.imports.find(contoso, rows[0].id))?.status).toBe('complete');
  });

  it('takes short batches (batchSizeUnderLoad) while shortBatchesWhile answers true, full ones after', async () => {
    let recent = true;
    await importDevices(f.store, { tenantId: contoso, items: Array.from({ length: 7 }, (_, i) => ({ hardwareIdentifier: syntheticHash(60 + i) })), now: new Date(), itemName });
    const sizes: number[] = [];
    const worker = new ImportWorker(f.store, {
      pollIntervalMs: 60_000,
      batchSize: 100,
      batchSizeUnderLoad: 2,
      shortBatchesWhile: () => recent,
      onBatch: (r) => {
        sizes.push(r.settled);
        recent = false;
      },
    });
    worker.start();
    await worker.idle();
    await worker.stop();
    expect(sizes).toEqual([2, 5]);
  });

  it('never takes a short batch larger than a full one (batchSizeUnderLoad above batchSize)', async () => {
    await importDevices(f.store, { tenantId: contoso, items: Array.from({ length: 7 }, (_, i) => ({ hardwareIdentifier: syntheticHash(80 + i) })), now: new Date(), itemName });
    const sizes: number[] = [];
    const worker = new ImportWorker(f.store, { pollIntervalMs: 60_000, batchSize: 3, batchSizeUnderLoad: 100, shortBatchesWhile: () => true, onBatch: (r) => sizes.push(r.settled) });
    worker.start();
    await worker.idle();
    await worker.stop();
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('a worker that dies after leasing loses nothing: once the lease lapses another worker registers every row exactly once', async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ hardwareIdentifier: syntheticHash(100 + i) }));
    await importDevices(f.store, { tenantId: contoso, items, now: new Date(), itemName });
    // The doomed worker claims a batch and "crashes" (never settles it).
    const t0 = Date.now();
    expect(await f.store.imports.claim('doomed', 25, new Date(t0).toISOString(), new Date(t0 + 30_000).toISOString())).toBe(25);
    // A second worker takes only what is free…
    const options = { owner: 'second', batchSize: 100, leaseMs: 30_000, maxAttempts: 5 };
    expect((await processImportBatch(f.store, { ...options, now: () => new Date(t0) })).settled).toBe(15);
    expect((await processImportBatch(f.store, { ...options, now: () => new Date(t0) })).settled).toBe(0);
    // …and, 31 s later, the doomed worker's rows too.
    expect((await processImportBatch(f.store, { ...options, now: () => new Date(t0 + 31_000) })).settled).toBe(25);
    const page = await f.store.imports.list(contoso, firstPage(importedDeviceModel, 100));
    expect(page.items.every((r) => r.status === 'complete')).toBe(true);
    expect(new Set(page.items.map((r) => r.deviceRegistrationId)).size).toBe(40);
    expect((await f.store.devices.list(contoso, firstPage(autopilotDeviceModel, 100, true))).count).toBe(40);
    // A late settle by the doomed worker finds nothing it still owns.
    expect(await f.store.imports.leased('doomed')).toEqual([]);
  });

  it('two workers on one queue register each device exactly once, duplicates across imports included', async () => {
    const first = Array.from({ length: 300 }, (_, i) => ({ hardwareIdentifier: syntheticHash(1000 + i) }));
    // The same 300 machines recaptured, imported separately: each must end 806, never registered twice.
    const second = Array.from({ length: 300 }, (_, i) => ({ hardwareIdentifier: syntheticHash(1000 + i, { build: { capturedAt: '2032-01-01T00:00:00Z' } }) }));
    await importDevices(f.store, { tenantId: contoso, items: first, now: new Date(), itemName });
    await importDevices(f.store, { tenantId: contoso, items: second, now: new Date(Date.now() + 1), itemName });
    const a = new ImportWorker(f.store, { batchSize: 50, pollIntervalMs: 60_000 });
    const b = new ImportWorker(f.store, { batchSize: 50, pollIntervalMs: 60_000 });
    a.start();
    b.start();
    await Promise.all([a.idle(), b.idle()]);
    await Promise.all([a.stop(), b.stop()]);
    const rows = (await f.store.imports.list(contoso, firstPage(importedDeviceModel, 1000))).items;
    expect(rows.filter((r) => r.status === 'complete')).toHaveLength(300);
    expect(rows.filter((r) => r.deviceErrorCode === 806)).toHaveLength(300);
    expect((await f.store.devices.list(contoso, firstPage(autopilotDeviceModel, 1000, true))).count).toBe(300);
  });

  it('one worker with concurrent loops claims batches side by side and registers each device exactly once', async () => {
    const first = Array.from({ length: 200 }, (_, i) => ({ hardwareIdentifier: syntheticHash(2000 + i) }));
    const again = Array.from({ length: 200 }, (_, i) => ({ hardwareIdentifier: syntheticHash(2000 + i, { build: { capturedAt: '2033-01-01T00:00:00Z' } }) }));
    await importDevices(f.store, { tenantId: contoso, items: first, now: new Date(), itemName });
    await importDevices(f.store, { tenantId: contoso, items: again, now: new Date(Date.now() + 1), itemName });
    // Claims made while another loop's claim is in hand: each claim waits a moment first, so that loops meet there.
    let claiming = 0;
    let mostAtOnce = 0;
    const imports = f.store.imports;
    const store: Store = {
      ...f.store,
      imports: Object.assign(Object.create(imports) as typeof imports, {
        claim: async (...args: Parameters<typeof imports.claim>) => {
          mostAtOnce = Math.max(mostAtOnce, ++claiming);
          await new Promise((resolve) => setTimeout(resolve, 20));
          try {
            return await imports.claim(...args);
          } finally {
            claiming--;
          }
        },
      }),
    };
    const worker = new ImportWorker(store, { batchSize: 40, concurrency: 3, pollIntervalMs: 60_000 });
    worker.start();
    await worker.idle();
    await worker.stop();
    expect(mostAtOnce).toBe(3);
    const rows = (await f.store.imports.list(contoso, firstPage(importedDeviceModel, 1000))).items;
    expect(rows).toHaveLength(400);
    expect(rows.filter((r) => r.status === 'complete')).toHaveLength(200);
    expect(rows.filter((r) => r.deviceErrorCode === 806)).toHaveLength(200);
    expect((await f.store.devices.list(contoso, firstPage(autopilotDeviceModel, 1000, true))).count).toBe(200);
  });

  it('refreshes the planner statistics once the queue drains, so that what follows a load is not planned blind', async () => {
    const items = Array.from({ length: 60 }, (_, i) => ({ hardwareIdentifier: syntheticHash(3000 + i) }));
    expect((await importAndProcess(f.store, contoso, items)).every((row) => row.status === 'complete')).toBe(true);
    if (engine !== 'postgres') return; // SQLite's plans do not use statistics (src/store/planner-statistics.ts)
    const tuples = await sql<{ reltuples: number }>`select reltuples from pg_class where oid = 'autopilot_devices'::regclass`.execute(f.db);
    expect(Number(tuples.rows[0]?.reltuples)).toBe(60);
  });

  it('a long import refreshes the statistics after refreshStatisticsEvery rows, then twice as many, not only when the queue drains', async () => {
    let refreshes = 0;
    const imports = new Proxy(f.store.imports, {
      get(target, prop) {
        if (prop === 'refreshPlannerStatistics') return () => (refreshes++, target.refreshPlannerStatistics());
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const store = new Proxy(f.store, {
      get(target, prop) {
        if (prop === 'imports') return imports;
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await importDevices(f.store, { tenantId: contoso, items: Array.from({ length: 80 }, (_, i) => ({ hardwareIdentifier: syntheticHash(4000 + i) })), now: new Date(), itemName });
    const worker = new ImportWorker(store, { batchSize: 10, refreshStatisticsEvery: 20, pollIntervalMs: 60_000 });
    worker.start();
    await worker.idle();
    // After rows 20 and 20 + 40 = 60 (each time twice as many before the next), then when the queue drains (80).
    expect(refreshes).toBe(3);
    // The next import starts from refreshStatisticsEvery again.
    await importDevices(f.store, { tenantId: contoso, items: Array.from({ length: 30 }, (_, i) => ({ hardwareIdentifier: syntheticHash(4100 + i) })), now: new Date(), itemName });
    await worker.idle();
    await worker.stop();
    expect(refreshes).toBe(5);
  });

  it('sync: completes when nothing is pending; 409 while imports are pending; 429 within the interval', async () => {
    expect(await getAutopilotSettings(f.store, contoso)).toMatchObject({ syncStatus: 'unknown', lastSyncAt: null });
    const t0 = new Date();
    await requestSync(f.store, contoso, t0, 600);
    expect(await getAutopilotSettings(f.store, contoso)).toMatchObject({ syncStatus: 'completed', lastManualSyncTriggerAt: t0.toISOString() });
    await expect(requestSync(f.store, contoso, new Date(t0.getTime() + 60_000), 600)).rejects.toMatchObject({ code: 'SyncTooSoon', retryAfterSeconds: 540 });
    // Fabrikam has its own state; with an import pending its sync stays in progress.
    await importDevices(f.store, { tenantId: fabrikam, items: [{ hardwareIdentifier: syntheticHash(20) }], now: t0, itemName });
    await requestSync(f.store, fabrikam, t0, 600);
    await expect(requestSync(f.store, fabrikam, t0, 600)).rejects.toMatchObject({ code: 'SyncInProgress' });
    const worker = new ImportWorker(f.store, { pollIntervalMs: 60_000 });
    worker.start();
    await worker.idle();
    await worker.stop();
    expect(await getAutopilotSettings(f.store, fabrikam)).toMatchObject({ syncStatus: 'completed' });
  });
});
