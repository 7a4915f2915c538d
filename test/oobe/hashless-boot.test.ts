// First boot of a device a partner or OEM registered without a hash (by tuple or product key ID), through /oobe/v1 on
// SQLite and PostgreSQL: the tuple matches case-sensitively (a case-only difference is 807 naming the field), the
// PKID by its digits; a match gets the tenant's profile and the hash becomes the registration's, once, even when two
// first boots race; a hash matching two such registrations is 813 and attaches nothing; a registration with a hash
// always wins. And once with a real device's hash from the corpus.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeHardwareHash, syntheticInventory, type DeepPartial, type HardwareInventory } from '../../src/hash/index.js';
import { registryKeys } from '../../src/registry/index.js';
import type { Store } from '../../src/ports.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { DEVICES, allDevicesProfile, device, register } from '../support/device-side.js';
import { insertPartnerRows, settledOutcomes, type PartnerRow } from '../support/partner-rows.js';
import { fromRealHashes, loadRealHashes, needsRealHashes } from '../support/real-hashes.js';

afterAll(dropPostgresFileDatabase);

/** The tuple exactly as synthetic device `seed` reports it in SMBIOS. */
function smbiosTuple(seed: number): { manufacturer: string; model: string; serialNumber: string } {
  const { manufacturer, model, serialNumber } = syntheticInventory(seed).system;
  return { manufacturer: manufacturer ?? '', model: model ?? '', serialNumber: serialNumber ?? '' };
}

function keysOf(hash: string): string[] {
  const identity = decodeHardwareHash(hash).identity;
  if (!identity) throw new Error('the test hash does not decode');
  return identity.keys;
}

describe.each(ENGINES)('first boot of a registration without a hash (%s)', (engine) => {
  let f: GraphFixture;
  let store: Store;
  beforeEach(async () => {
    f = await graphFixture(engine);
    store = f.app.registry.store;
  });
  afterEach(async () => {
    await f.cleanup();
  });

  /** Registers partner rows through the app's own worker; returns the new device ids. */
  async function registerPartner(tenantId: string, rows: PartnerRow[]): Promise<string[]> {
    const made = await insertPartnerRows(store, tenantId, rows.map((r) => ({ originTenantId: randomUUID(), ...r })));
    const outcomes = await settledOutcomes(f.tdb.db, made.map((r) => r.id));
    expect(outcomes.map((o) => o.status)).toEqual(rows.map(() => 'complete'));
    return outcomes.map((o) => o.deviceRegistrationId ?? '');
  }

  it('tuple: the device gets its tenant’s profile, and its hash is the registration’s from then on (found by its UUID too)', async () => {
    const profileId = await allDevicesProfile(f, f.contoso, { displayName: 'Partner laptops', deviceNameTemplate: 'PL-%SERIAL%' });
    const [id] = await registerPartner(f.contoso.tenant.id, [{ ...smbiosTuple(201), groupTag: 'Partner' }]);
    const hash = syntheticHash(201);
    // Before its first boot the device is known by its tuple only: a hash sharing only its UUID is not recognised.
    const uuidOnly = syntheticHash(201, {
      system: { serialNumber: 'To be filled by O.E.M.' },
      productKey: { productKeyId: null },
      tpm: { ekPublicKey: syntheticInventory(700_201).tpm.ekPublicKey },
    });
    const shared = keysOf(uuidOnly).filter((k) => keysOf(hash).includes(k));
    expect(shared).toEqual([`uuid:${syntheticInventory(201).system.smbiosUuid}`]);
    expect((await device(f, 'profile', { hardwareHash: uuidOnly })).status).toBe(404);

    const boot = await device(f, 'profile', { hardwareHash: hash });
    expect(boot.status).toBe(200);
    expect(boot.body).toMatchObject({ CloudAssignedTenantId: f.contoso.tenant.id, ZtdCorrelationId: profileId, Comment_File: 'Profile Partner laptops' });
    expect(boot.body.CloudAssignedDeviceName).toBe(`PL-${smbiosTuple(201).serialNumber}`.slice(0, 15));

    expect((await store.devices.hardwareHash(f.contoso.tenant.id, id))?.toString('base64')).toBe(hash);
    const owners = await store.identityKeys.owners(registryKeys(decodeHardwareHash(hash).identity!, ''));
    expect(owners.map((o) => o.kind).sort()).toEqual(['ek', 'pkid', 'tuple', 'uuid']);
    expect(owners.every((o) => o.deviceId === id && o.tenantId === f.contoso.tenant.id)).toBe(true);
    const inv = syntheticInventory(201);
    expect(await store.devices.find(f.contoso.tenant.id, id)).toMatchObject({
      ...smbiosTuple(201),
      productKey: inv.productKey.productKeyId,
      skuNumber: inv.system.sku,
      systemFamily: inv.system.family,
      registeredBy: 'partner',
      groupTag: 'Partner',
      deploymentProfileAssignmentStatus: 'assignedInSync',
    });

    // Second boot, by the UUID alone now.
    const again = await device(f, 'profile', { hardwareHash: uuidOnly });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ CloudAssignedTenantId: f.contoso.tenant.id, ZtdCorrelationId: profileId });
    expect((await store.devices.hardwareHash(f.contoso.tenant.id, id))?.toString('base64')).toBe(hash);
  });

  it('tuple in another letter case: 807 naming the field (not the registered value), and nothing attached', async () => {
    const tuple = smbiosTuple(202);
    const registeredModel = tuple.model.toUpperCase();
    expect(registeredModel).not.toBe(tuple.model);
    const [id] = await registerPartner(f.contoso.tenant.id, [{ ...tuple, model: registeredModel }]);
    const boot = await device(f, 'profile', { hardwareHash: syntheticHash(202) });
    expect(boot.status).toBe(404);
    expect(boot.body.error).toMatchObject({ code: 'ZtdDeviceIsNotRegistered', errorCode: 807 });
    expect(boot.body.error.message).toContain('differs in letter case');
    expect(boot.body.error.message).toContain(`model '${tuple.model}'`);
    expect(boot.body.error.message).not.toContain('manufacturer \'');
    expect(boot.body.error.message).not.toContain(registeredModel);
    expect(boot.body.error.message).not.toContain(f.contoso.tenant.id);
    expect(await store.devices.hardwareHash(f.contoso.tenant.id, id)).toBeUndefined();
    expect(await store.devices.find(f.contoso.tenant.id, id)).toMatchObject({ model: registeredModel, lastContactedAt: null });
    // Enrollment identifies the same way.
    expect((await device(f, 'enroll', { hardwareHash: syntheticHash(202) })).status).toBe(404);
  });

  it('PKID: the device gets its tenant’s profile; the hash fills the serial number, maker and model', async () => {
    const pkid = syntheticInventory(203).productKey.productKeyId ?? '';
    const [id] = await registerPartner(f.fabrikam.tenant.id, [{ productKey: pkid, origin: 'oem' }]);
    expect(await store.devices.find(f.fabrikam.tenant.id, id)).toMatchObject({ serialNumber: '', manufacturer: '', productKey: pkid });
    const boot = await device(f, 'profile', { hardwareHash: syntheticHash(203) });
    expect(boot.status).toBe(200);
    expect(boot.body.CloudAssignedTenantId).toBe(f.fabrikam.tenant.id);
    expect(await store.devices.find(f.fabrikam.tenant.id, id)).toMatchObject({ ...smbiosTuple(203), productKey: pkid, registeredBy: 'oem' });
    expect((await store.devices.hardwareHash(f.fabrikam.tenant.id, id))?.toString('base64')).toBe(syntheticHash(203));
    // The next boot finds it as any registration with a hash.
    expect((await device(f, 'profile', { hardwareHash: syntheticHash(203) })).status).toBe(200);
  });

  it('two first boots at once: both get the profile, the hash and keys are attached once', async () => {
    const [id] = await registerPartner(f.contoso.tenant.id, [smbiosTuple(204)]);
    const first = syntheticHash(204);
    const recaptured = syntheticHash(204, { build: { capturedAt: '2031-05-05T00:00:00Z' } });
    const boots = await Promise.all([device(f, 'profile', { hardwareHash: first }), device(f, 'profile', { hardwareHash: recaptured })]);
    expect(boots.map((b) => b.status)).toEqual([200, 200]);
    const stored = (await store.devices.hardwareHash(f.contoso.tenant.id, id))?.toString('base64');
    expect([first, recaptured]).toContain(stored);
    const rows = await f.tdb.db.selectFrom('device_identity_keys').select('kind').where('device_id', '=', id).execute();
    expect(rows.map((r) => r.kind).sort()).toEqual(['ek', 'pkid', 'tuple', 'uuid']);
  });

  it('813 when the hash matches a tuple registration and a PKID registration (two tenants, or one); deleting one lets the other match', async () => {
    const pkid = syntheticInventory(205).productKey.productKeyId ?? '';
    const [byTuple] = await registerPartner(f.contoso.tenant.id, [smbiosTuple(205)]);
    const [byPkid] = await registerPartner(f.fabrikam.tenant.id, [{ productKey: pkid, origin: 'oem' }]);
    const boot = await device(f, 'profile', { hardwareHash: syntheticHash(205) });
    expect(boot.status).toBe(409);
    expect(boot.body.error).toMatchObject({ code: 'ZtdDeviceIsNotUnique', errorCode: 813 });
    expect(boot.body.error.message).toContain('manufacturer, model and serial number (tuple)');
    expect(boot.body.error.message).toContain('product key ID');
    for (const tenant of [f.contoso.tenant.id, f.fabrikam.tenant.id]) expect(boot.body.error.message).not.toContain(tenant);
    expect((await device(f, 'enroll', { hardwareHash: syntheticHash(205) })).status).toBe(409);
    expect(await store.devices.hardwareHash(f.contoso.tenant.id, byTuple)).toBeUndefined();
    expect(await store.devices.hardwareHash(f.fabrikam.tenant.id, byPkid)).toBeUndefined();
    expect(await store.identityKeys.owners([{ kind: 'uuid', value: syntheticInventory(205).system.smbiosUuid ?? '' }])).toEqual([]);
    expect(await store.devices.find(f.contoso.tenant.id, byTuple)).toMatchObject({ lastContactedAt: null });

    expect((await f.call(f.fabrikam, 'DELETE', `${DEVICES}/${byPkid}`)).status).toBe(204);
    const after = await device(f, 'profile', { hardwareHash: syntheticHash(205) });
    expect(after.status).toBe(200);
    expect(after.body.CloudAssignedTenantId).toBe(f.contoso.tenant.id);
    expect((await store.devices.hardwareHash(f.contoso.tenant.id, byTuple))?.toString('base64')).toBe(syntheticHash(205));

    // Both in one tenant: the same.
    const pkid2 = syntheticInventory(206).productKey.productKeyId ?? '';
    await registerPartner(f.contoso.tenant.id, [smbiosTuple(206), { productKey: pkid2 }]);
    expect((await device(f, 'profile', { hardwareHash: syntheticHash(206) })).body.error).toMatchObject({ code: 'ZtdDeviceIsNotUnique' });
  });

  it('a registration with a hash holding one of the keys wins over one without', async () => {
    // Fabrikam registered a hash that shares only its SMBIOS UUID with device 207; a partner registered 207's tuple.
    const donor: DeepPartial<HardwareInventory> = { system: { smbiosUuid: syntheticInventory(207).system.smbiosUuid } };
    const hashed = syntheticHash(208, donor);
    expect(keysOf(hashed).filter((k) => keysOf(syntheticHash(207)).includes(k))).toEqual([`uuid:${syntheticInventory(207).system.smbiosUuid}`]);
    const withHash = await register(f, f.fabrikam, hashed);
    const [hashless] = await registerPartner(f.contoso.tenant.id, [smbiosTuple(207)]);
    const boot = await device(f, 'profile', { hardwareHash: syntheticHash(207) });
    expect(boot.status).toBe(200);
    expect(boot.body.CloudAssignedTenantId).toBe(f.fabrikam.tenant.id);
    expect(await store.devices.hardwareHash(f.contoso.tenant.id, hashless)).toBeUndefined();
    expect(withHash).not.toBe(hashless);
  });

  const realHashes = fromRealHashes(loadRealHashes, []);
  it('a real device registered by its tuple only gets the profile with its real hash', needsRealHashes, async () => {
    const real = realHashes.find((h) => {
      const decoded = decodeHardwareHash(h.hash);
      return decoded.valid && decoded.identity?.tuple !== null && decoded.identity?.tuple !== undefined;
    });
    expect(real).toBeDefined();
    const identity = decodeHardwareHash(real!.hash).identity!;
    const [id] = await registerPartner(f.contoso.tenant.id, [
      { manufacturer: identity.manufacturer ?? '', model: identity.model ?? '', serialNumber: identity.serialNumber ?? '' },
    ]);
    const boot = await device(f, 'profile', { hardwareHash: real!.hash });
    expect(boot.status).toBe(200);
    expect(boot.body.CloudAssignedTenantId).toBe(f.contoso.tenant.id);
    expect(await store.devices.hardwareHash(f.contoso.tenant.id, id)).toEqual(Buffer.from(decodeHardwareHash(real!.hash).bytes!));
  });
});
