// Membership refresh on the repositories, both engines: one group over a tenant larger than a read chunk, a batch of
// devices against every dynamic group at once, static and paused groups left alone, vanished devices dropped.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshDeviceMemberships, refreshGroupMembership } from '../../src/directory/membership.js';
import type { Group } from '../../src/directory/ports.js';
import type { EntraDevice } from '../../src/model/index.js';
import { ENGINES, registryFixture, type RegistryFixture } from '../support/registry-fixture.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const NOW = '2024-05-01T00:00:00.000Z';

function entra(tenantId: string, i: number, physicalIds: string[]): EntraDevice {
  return {
    id: randomUUID(),
    tenantId,
    deviceId: randomUUID(),
    displayName: `PC-${String(i).padStart(5, '0')}`,
    operatingSystem: 'Windows',
    operatingSystemVersion: '10.0',
    accountEnabled: true,
    trustType: null,
    profileType: null,
    enrollmentProfileName: null,
    autopilotDeviceId: null,
    physicalIds,
    deviceOwnership: '',
    isManaged: false,
    managementType: null,
    mdmAppId: null,
    approximateLastSignInAt: null,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

function group(tenantId: string, name: string, rule: string | null, state: 'On' | 'Paused' | null = rule ? 'On' : null): Group {
  return {
    id: randomUUID(),
    tenantId,
    displayName: name,
    description: '',
    mailNickname: name.replace(/\W/g, ''),
    mailEnabled: false,
    securityEnabled: true,
    groupTypes: rule ? ['DynamicMembership'] : [],
    membershipRule: rule,
    membershipRuleProcessingState: state,
    createdAt: NOW,
    updatedAt: NOW,
  };
}

describe.each(ENGINES)('membership refresh (%s)', (engine) => {
  let f: RegistryFixture;
  let tenantId: string;
  beforeEach(async () => {
    f = await registryFixture(engine);
    tenantId = f.contoso.tenant.id;
  });
  afterEach(async () => {
    await f.cleanup();
  });

  async function insertDevices(devices: EntraDevice[]): Promise<void> {
    for (let i = 0; i < devices.length; i += 250) {
      const part = devices.slice(i, i + 250);
      await f.db.insertInto('entra_devices').values(part.map((d) => ({ id: d.id, tenant_id: d.tenantId, device_id: d.deviceId, display_name: d.displayName, created_at: NOW, updated_at: NOW }))).execute();
      const ids = part.flatMap((d) => d.physicalIds.map((value) => ({ entra_device_id: d.id, tenant_id: d.tenantId, value })));
      if (ids.length > 0) await f.db.insertInto('entra_device_physical_ids').values(ids).execute();
    }
  }

  it('evaluates one group over every device of the tenant (more than one read chunk) and returns exactly the changes', async () => {
    const devices = Array.from({ length: 2345 }, (_, i) => entra(tenantId, i, i % 3 === 0 ? [`[ZTDID]:${i}`, '[OrderID]:Sales'] : [`[ZTDID]:${i}`]));
    await insertDevices(devices);
    await insertDevices([entra(f.fabrikam.tenant.id, 0, ['[OrderID]:Sales'])]);
    const g = group(tenantId, 'Sales', '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))');
    await f.store.directory.createGroup(g);

    const sales = devices.filter((_, i) => i % 3 === 0).map((d) => d.id).sort();
    const changed = await f.store.transaction((tx) => refreshGroupMembership(tx, tenantId, g.id, NOW));
    expect(changed.sort()).toEqual(sales);
    expect((await f.store.directory.memberIds(g.id)).sort()).toEqual(sales);
    expect(await refreshGroupMembership(f.store, tenantId, g.id, NOW)).toEqual([]);

    await f.store.directory.updateGroup(tenantId, g.id, { membershipRule: 'device.displayName -startsWith "PC-0000"' }, NOW);
    const changedAgain = await refreshGroupMembership(f.store, tenantId, g.id, NOW);
    const nowIn = devices.filter((d) => d.displayName.startsWith('PC-0000')).map((d) => d.id);
    expect((await f.store.directory.memberIds(g.id)).sort()).toEqual([...nowIn].sort());
    // Changed = left (sales not in PC-0000x) + joined (PC-0000x not in sales).
    const expectedChange = [...sales.filter((id) => !nowIn.includes(id)), ...nowIn.filter((id) => !sales.includes(id))].sort();
    expect(changedAgain.sort()).toEqual(expectedChange);

    // Another tenant's group id, a static group, a paused group: nothing happens.
    expect(await refreshGroupMembership(f.store, f.fabrikam.tenant.id, g.id, NOW)).toEqual([]);
    expect(await refreshGroupMembership(f.store, tenantId, randomUUID(), NOW)).toEqual([]);
  });

  it('re-evaluates a batch of devices against every dynamic group; static and paused groups and other devices stay as they are', async () => {
    const devices = Array.from({ length: 6 }, (_, i) => entra(tenantId, i, [`[ZTDID]:${i}`, `[OrderID]:${i % 2 === 0 ? 'Even' : 'Odd'}`]));
    await insertDevices(devices);
    const even = group(tenantId, 'Even', '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Even"))');
    const all = group(tenantId, 'All', '(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]"))');
    const paused = group(tenantId, 'Paused', '(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]"))', 'Paused');
    const manual = group(tenantId, 'Manual', null);
    for (const g of [even, all, paused, manual]) await f.store.directory.createGroup(g);
    await f.store.directory.addMemberships(tenantId, [{ groupId: manual.id, memberId: devices[1]!.id }, { groupId: paused.id, memberId: devices[3]!.id }], NOW);

    const batch = devices.slice(0, 4).map((d) => d.id);
    await f.store.transaction((tx) => refreshDeviceMemberships(tx, tenantId, batch, NOW));
    const members = async (g: Group) => (await f.store.directory.memberIds(g.id)).sort();
    expect(await members(even)).toEqual([devices[0]!.id, devices[2]!.id].sort());
    expect(await members(all)).toEqual([...batch].sort());
    expect(await members(paused)).toEqual([devices[3]!.id]);
    expect(await members(manual)).toEqual([devices[1]!.id]);

    // Device 0 moves to Odd: it leaves Even, stays in All; nobody else moves.
    await f.store.entra.replacePhysicalIds(tenantId, devices[0]!.id, ['[OrderID]'], ['[OrderID]:Odd'], NOW);
    await f.store.transaction((tx) => refreshDeviceMemberships(tx, tenantId, [devices[0]!.id], NOW));
    expect(await members(even)).toEqual([devices[2]!.id]);
    expect(await members(all)).toEqual([...batch].sort());
    expect(await members(manual)).toEqual([devices[1]!.id]);

    // An id that is not (or no longer) a device of the tenant: its memberships go.
    await f.store.transaction(async (tx) => {
      await tx.directory.deleteEntraDevice(tenantId, devices[3]!.id);
      await refreshDeviceMemberships(tx, tenantId, [devices[3]!.id], NOW);
    });
    expect(await members(paused)).toEqual([]);
    expect(await members(all)).toEqual([devices[0]!.id, devices[1]!.id, devices[2]!.id].sort());
  });
});
