// The directory through Graph (inject(), real tokens) on SQLite and PostgreSQL: Entra devices (create, change,
// delete, refusal for Autopilot objects, lambda filters), groups (CRUD, validation, paging), dynamic membership that
// follows registrations, rules and group tags, static members by $ref, and tenants that cannot see each other.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterDevicesChanged } from '../../src/lifecycle/index.js';
import type { CreatedTenant } from '../../src/tenants/index.js';
import { graphFixture, type GraphFixture } from '../support/graph-fixture.js';
import { ENGINES, syntheticHash } from '../support/registry-fixture.js';
import { dropPostgresFileDatabase } from '../support/test-databases.js';

afterAll(dropPostgresFileDatabase);

const IMPORTS = '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities';
const AUTOPILOT = '/v1.0/deviceManagement/windowsAutopilotDeviceIdentities';
const ALL_AUTOPILOT = '(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]"))';

interface ImportedJson {
  id: string;
  state: { deviceImportStatus: string; deviceRegistrationId: string };
}

async function importHashes(f: GraphFixture, who: CreatedTenant, items: Record<string, unknown>[]): Promise<string[]> {
  const res = await f.call(who, 'POST', `${IMPORTS}/import`, { importedWindowsAutopilotDeviceIdentities: items });
  expect(res.status).toBe(200);
  const ids = (res.body.value as ImportedJson[]).map((r) => r.id);
  for (let i = 0; i < 500; i++) {
    const rows = await Promise.all(ids.map(async (id) => (await f.call(who, 'GET', `${IMPORTS}/${id}`)).body as ImportedJson));
    if (rows.every((r) => r.state.deviceImportStatus !== 'unknown')) {
      expect(rows.map((r) => r.state.deviceImportStatus)).toEqual(rows.map(() => 'complete'));
      return rows.map((r) => r.state.deviceRegistrationId);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('imports did not finish');
}

/** The Entra object id of an Autopilot device. */
async function entraIdOf(f: GraphFixture, who: CreatedTenant, ztdid: string): Promise<string> {
  const res = await f.call(who, 'GET', `/v1.0/devices?$filter=${encodeURIComponent(`physicalIds/any(p: p eq '[ZTDID]:${ztdid}')`)}`);
  expect(res.body.value).toHaveLength(1);
  return res.body.value[0].id as string;
}

async function memberNames(f: GraphFixture, who: CreatedTenant, groupId: string): Promise<string[]> {
  const res = await f.call(who, 'GET', `/v1.0/groups/${groupId}/members?$top=999`);
  expect(res.status).toBe(200);
  return (res.body.value as { displayName: string }[]).map((d) => d.displayName).sort();
}

function newDevice(displayName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    accountEnabled: true,
    alternativeSecurityIds: [{ type: 2, key: Buffer.from(displayName).toString('base64') }],
    deviceId: randomUUID(),
    displayName,
    operatingSystem: 'Windows',
    operatingSystemVersion: '10.0.22631.3880',
    ...extra,
  };
}

async function createGroup(f: GraphFixture, who: CreatedTenant, body: Record<string, unknown>): Promise<string> {
  const res = await f.call(who, 'POST', '/v1.0/groups', { mailEnabled: false, securityEnabled: true, ...body });
  expect([res.status, res.body?.error?.message]).toEqual([201, undefined]);
  return res.body.id as string;
}

describe.each(ENGINES)('Graph directory (%s)', (engine) => {
  let f: GraphFixture;
  beforeEach(async () => {
    f = await graphFixture(engine);
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('POST /devices creates an Entra device (201, Graph shape); PATCH changes displayName/accountEnabled; DELETE removes it', async () => {
    const body = newDevice('LAPTOP-Personal', { trustType: 'workplace', physicalIds: ['[USER-GID]:x'] });
    const created = await f.call(f.contoso, 'POST', '/beta/devices', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      '@odata.context': expect.stringMatching(/\/beta\/\$metadata#devices\/\$entity$/),
      '@odata.type': '#microsoft.graph.device',
      deviceId: body.deviceId,
      displayName: 'LAPTOP-Personal',
      accountEnabled: true,
      trustType: 'Workplace',
      profileType: 'RegisteredDevice',
      physicalIds: ['[USER-GID]:x'],
      isManaged: false,
      deviceOwnership: null,
      managementType: null,
      mdmAppId: null,
      approximateLastSignInDateTime: null,
      enrollmentProfileName: null,
      registrationDateTime: expect.any(String),
    });
    const id = created.body.id as string;

    expect((await f.call(f.contoso, 'PATCH', `/v1.0/devices/${id}`, { displayName: 'Renamed', accountEnabled: false })).status).toBe(204);
    const got = await f.call(f.contoso, 'GET', `/v1.0/devices/${id.toUpperCase()}`);
    expect(got.body).toMatchObject({ id, displayName: 'Renamed', accountEnabled: false });
    const patchOther = await f.call(f.contoso, 'PATCH', `/v1.0/devices/${id}`, { operatingSystem: 'Linux' });
    expect(patchOther.status).toBe(400);
    expect(patchOther.body.error).toMatchObject({ code: 'Request_BadRequest', message: expect.stringContaining("'operatingSystem'") });

    // The same deviceId again, in any tenant, is refused.
    const dup = await f.call(f.fabrikam, 'POST', '/v1.0/devices', { ...newDevice('x'), deviceId: body.deviceId });
    expect(dup.status).toBe(400);
    expect(dup.body.error.message).toMatch(/deviceId already exists/);

    expect((await f.call(f.contoso, 'DELETE', `/v1.0/devices/${id}`)).status).toBe(204);
    const gone = await f.call(f.contoso, 'GET', `/v1.0/devices/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('Request_ResourceNotFound');
    expect(await f.tdb.db.selectFrom('entra_device_physical_ids').select('value').where('entra_device_id', '=', id).execute()).toEqual([]);
  });

  it('POST /devices validates every field and names it', async () => {
    for (const [body, message] of [
      [{ ...newDevice('x'), deviceId: 'not-a-guid' }, /'deviceId'.*GUID/],
      [{ ...newDevice('x'), displayName: '  ' }, /'displayName'/],
      [{ ...newDevice('x'), trustType: 'Joined' }, /'trustType' must be one of Workplace, AzureAd, ServerAd/],
      [{ ...newDevice('x'), physicalIds: ['[ZTDID]:abc'] }, /only Windows Autopilot registration sets \[ZTDID\]/],
      [{ ...newDevice('x'), physicalIds: [''] }, /'physicalIds'/],
      [{ ...newDevice('x'), alternativeSecurityIds: undefined }, /alternativeSecurityIds/],
      [{ ...newDevice('x'), accountEnabled: 'yes' }, /accountEnabled/],
    ] as const) {
      const res = await f.call(f.contoso, 'POST', '/v1.0/devices', body);
      expect([res.status, res.body.error.message]).toEqual([400, expect.stringMatching(message)]);
    }
  });

  it('refuses to delete the Entra object of an Autopilot device, saying to deregister it first; after deregistration it is gone', async () => {
    const [ztdid] = await importHashes(f, f.contoso, [{ hardwareIdentifier: syntheticHash(11), groupTag: 'Sales' }]);
    const entraId = await entraIdOf(f, f.contoso, ztdid);
    const refused = await f.call(f.contoso, 'DELETE', `/v1.0/devices/${entraId}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('Request_BadRequest');
    expect(refused.body.error.message).toContain('Windows Autopilot device');
    expect(refused.body.error.message).toContain(`DELETE /deviceManagement/windowsAutopilotDeviceIdentities/${ztdid}`);
    expect(refused.body.error.message).toContain('orphan');
    expect((await f.call(f.contoso, 'GET', `/v1.0/devices/${entraId}`)).status).toBe(200);

    expect((await f.call(f.contoso, 'DELETE', `${AUTOPILOT}/${ztdid}`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `/v1.0/devices/${entraId}`)).status).toBe(404);
  });

  it('lambda $filter on physicalIds, combined with other properties; unsupported lambdas are a 400 naming the clause', async () => {
    const [a, b] = await importHashes(f, f.contoso, [
      { hardwareIdentifier: syntheticHash(21), groupTag: 'Sales' },
      { hardwareIdentifier: syntheticHash(22), groupTag: 'HR' },
    ]);
    const personal = (await f.call(f.contoso, 'POST', '/v1.0/devices', newDevice('BYOD-1', { trustType: 'Workplace', physicalIds: ['[OrderID]:Sales'] }))).body;
    await f.call(f.fabrikam, 'POST', '/v1.0/devices', newDevice('Other tenant', { physicalIds: ['[OrderID]:Sales'] }));

    const list = async (filter: string): Promise<string[]> => {
      const res = await f.call(f.contoso, 'GET', `/v1.0/devices?$filter=${encodeURIComponent(filter)}&$count=true`);
      expect([res.status, res.body.error]).toEqual([200, undefined]);
      expect(res.body['@odata.count']).toBe(res.body.value.length);
      return (res.body.value as { displayName: string; physicalIds: string[] }[]).map((d) => d.physicalIds.find((p) => p.startsWith('[ZTDID]'))?.slice(8) ?? d.displayName).sort();
    };
    expect(await list("physicalIds/any(p: startswith(p, '[ZTDID]'))")).toEqual([a, b].sort());
    expect(await list("physicalIds/any(x: x eq '[orderid]:sales')")).toEqual([a, 'BYOD-1'].sort());
    expect(await list("physicalIds/any(p: p eq '[OrderID]:Sales') and trustType eq 'Workplace'")).toEqual(['BYOD-1']);
    expect(await list("not physicalIds/any(p: startswith(p, '[ZTDID]')) or physicalIds/any(p: p eq '[OrderID]:HR')")).toEqual([b, 'BYOD-1'].sort());
    expect(await list(`physicalIds/any(p: startswith(p, '[ZTDID]')) and deviceId ne '${personal.deviceId}' and accountEnabled eq true`)).toEqual([a, b].sort());

    const bad = await f.call(f.contoso, 'GET', `/v1.0/devices?$filter=${encodeURIComponent("displayName/any(p: p eq 'x')")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Invalid \$filter at position \d+: any\(\) applies to collection properties/);
  });

  it('a dynamic group picks up registered devices by group tag; a rule change, a group-tag change and a Paused rule behave like Entra', async () => {
    const sales = await createGroup(f, f.contoso, {
      displayName: 'Autopilot Sales',
      mailNickname: 'ap-sales',
      groupTypes: ['DynamicMembership'],
      membershipRule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))',
    });
    const all = await createGroup(f, f.contoso, { displayName: 'All Autopilot', mailNickname: 'ap-all', groupTypes: ['DynamicMembership'], membershipRule: ALL_AUTOPILOT });
    const group = await f.call(f.contoso, 'GET', `/v1.0/groups/${sales}`);
    expect(group.body).toMatchObject({ '@odata.type': '#microsoft.graph.group', groupTypes: ['DynamicMembership'], membershipRuleProcessingState: 'On', securityEnabled: true, mailEnabled: false });

    const [s1, s2, h1] = await importHashes(f, f.contoso, [
      { hardwareIdentifier: syntheticHash(31), groupTag: 'Sales' },
      { hardwareIdentifier: syntheticHash(32), groupTag: 'sales' },
      { hardwareIdentifier: syntheticHash(33), groupTag: 'HR' },
    ]);
    const names = async (ztdids: string[]) =>
      (await Promise.all(ztdids.map(async (z) => (await f.call(f.contoso, 'GET', `/v1.0/devices/${await entraIdOf(f, f.contoso, z)}`)).body.displayName as string))).sort();
    expect(await memberNames(f, f.contoso, sales)).toEqual(await names([s1, s2]));
    expect(await memberNames(f, f.contoso, all)).toEqual(await names([s1, s2, h1]));
    const members = await f.call(f.contoso, 'GET', `/v1.0/groups/${sales}/members?$count=true&$top=1`);
    expect(members.body).toMatchObject({ '@odata.count': 2, value: [{ '@odata.type': '#microsoft.graph.device' }] });
    expect(members.body['@odata.context']).toMatch(/\$metadata#directoryObjects$/);
    const next = await f.call(f.contoso, 'GET', members.body['@odata.nextLink'].replace(/^https?:\/\/[^/]+/, ''));
    expect(next.body.value).toHaveLength(1);
    expect(next.body.value[0].id).not.toBe(members.body.value[0].id);
    const count = await f.app.inject({ method: 'GET', url: `/v1.0/groups/${sales}/members/$count`, headers: { authorization: `Bearer ${await f.token(f.contoso)}` } });
    expect(count.body).toBe('2');

    // The rule changes: members follow at once.
    expect((await f.call(f.contoso, 'PATCH', `/v1.0/groups/${sales}`, { membershipRule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:HR"))' })).status).toBe(204);
    expect(await memberNames(f, f.contoso, sales)).toEqual(await names([h1]));

    // A group tag changes (updateDeviceProperties moves [OrderID]). The registry runs the lifecycle hook (helper C's
    // wiring); running it here as well keeps this test about the directory, and shows the hook is idempotent.
    expect((await f.call(f.contoso, 'POST', `${AUTOPILOT}/${s1}/updateDeviceProperties`, { groupTag: 'HR' })).status).toBe(204);
    const s1Entra = await entraIdOf(f, f.contoso, s1);
    await f.app.registry.store.transaction((tx) => afterDevicesChanged(tx, f.contoso.tenant.id, [s1Entra], new Date().toISOString()));
    expect(await memberNames(f, f.contoso, sales)).toEqual(await names([s1, h1]));

    // Paused: the membership is frozen; On again: re-evaluated.
    expect((await f.call(f.contoso, 'PATCH', `/v1.0/groups/${sales}`, { membershipRuleProcessingState: 'Paused', membershipRule: ALL_AUTOPILOT })).status).toBe(204);
    expect(await memberNames(f, f.contoso, sales)).toEqual(await names([s1, h1]));
    expect((await f.call(f.contoso, 'PATCH', `/v1.0/groups/${sales}`, { membershipRuleProcessingState: 'On' })).status).toBe(204);
    expect(await memberNames(f, f.contoso, sales)).toEqual(await names([s1, s2, h1]));

    // A device created directly in Entra is evaluated too.
    const byod = (await f.call(f.contoso, 'POST', '/v1.0/devices', newDevice('BYOD', { physicalIds: ['[OrderID]:HR'] }))).body;
    const hr = await createGroup(f, f.contoso, { displayName: 'HR', mailNickname: 'hr', groupTypes: ['DynamicMembership'], membershipRule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:HR"))' });
    expect(await memberNames(f, f.contoso, hr)).toEqual([...(await names([s1, h1])), 'BYOD'].sort());
    // Renaming it out of a displayName rule.
    const named = await createGroup(f, f.contoso, { displayName: 'BYOD names', mailNickname: 'byod', groupTypes: ['DynamicMembership'], membershipRule: 'device.displayName -startsWith "byod"' });
    expect(await memberNames(f, f.contoso, named)).toEqual(['BYOD']);
    expect((await f.call(f.contoso, 'PATCH', `/v1.0/devices/${byod.id}`, { displayName: 'Laptop-9' })).status).toBe(204);
    expect(await memberNames(f, f.contoso, named)).toEqual([]);

    // Deleting the group removes its memberships.
    expect((await f.call(f.contoso, 'DELETE', `/v1.0/groups/${hr}`)).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `/v1.0/groups/${hr}`)).status).toBe(404);
    expect(await f.tdb.db.selectFrom('group_members').select('member_id').where('group_id', '=', hr).execute()).toEqual([]);
  });

  it('static groups: members by $ref (directoryObjects or devices URL), removal, duplicates; dynamic groups refuse manual changes', async () => {
    const group = await createGroup(f, f.contoso, { displayName: 'Pilot', mailNickname: 'pilot' });
    const d1 = (await f.call(f.contoso, 'POST', '/v1.0/devices', newDevice('D1'))).body.id as string;
    const d2 = (await f.call(f.contoso, 'POST', '/v1.0/devices', newDevice('D2'))).body.id as string;
    const foreign = (await f.call(f.fabrikam, 'POST', '/v1.0/devices', newDevice('F1'))).body.id as string;

    const ref = (id: string, set = 'directoryObjects') => ({ '@odata.id': `https://graph.microsoft.com/v1.0/${set}/${id}` });
    expect((await f.call(f.contoso, 'POST', `/v1.0/groups/${group}/members/$ref`, ref(d1))).status).toBe(204);
    expect((await f.call(f.contoso, 'POST', `/v1.0/groups/${group}/members/$ref`, ref(d2, 'devices'))).status).toBe(204);
    expect(await memberNames(f, f.contoso, group)).toEqual(['D1', 'D2']);

    const again = await f.call(f.contoso, 'POST', `/v1.0/groups/${group}/members/$ref`, ref(d1));
    expect([again.status, again.body.error.message]).toEqual([400, expect.stringMatching(/already exist/)]);
    const other = await f.call(f.contoso, 'POST', `/v1.0/groups/${group}/members/$ref`, ref(foreign));
    expect([other.status, other.body.error.code]).toEqual([404, 'Request_ResourceNotFound']);
    const badRef = await f.call(f.contoso, 'POST', `/v1.0/groups/${group}/members/$ref`, { '@odata.id': 'https://graph.microsoft.com/v1.0/users/x' });
    expect([badRef.status, badRef.body.error.message]).toEqual([400, expect.stringContaining("'@odata.id'")]);

    expect((await f.call(f.contoso, 'DELETE', `/v1.0/groups/${group}/members/${d1}/$ref`)).status).toBe(204);
    expect(await memberNames(f, f.contoso, group)).toEqual(['D2']);
    expect((await f.call(f.contoso, 'DELETE', `/v1.0/groups/${group}/members/${d1}/$ref`)).status).toBe(404);

    // Deleting a member device drops it from the group.
    expect((await f.call(f.contoso, 'DELETE', `/v1.0/devices/${d2}`)).status).toBe(204);
    expect(await memberNames(f, f.contoso, group)).toEqual([]);

    const dynamic = await createGroup(f, f.contoso, { displayName: 'Dyn', mailNickname: 'dyn', groupTypes: ['DynamicMembership'], membershipRule: 'device.displayName -eq "D1"' });
    expect(await memberNames(f, f.contoso, dynamic)).toEqual(['D1']);
    for (const res of [
      await f.call(f.contoso, 'POST', `/v1.0/groups/${dynamic}/members/$ref`, ref(d1)),
      await f.call(f.contoso, 'DELETE', `/v1.0/groups/${dynamic}/members/${d1}/$ref`),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'Request_BadRequest', message: expect.stringContaining('dynamic group') });
    }
    // Made static, it keeps its members, which can then be managed by hand.
    expect((await f.call(f.contoso, 'PATCH', `/v1.0/groups/${dynamic}`, { groupTypes: [] })).status).toBe(204);
    expect((await f.call(f.contoso, 'GET', `/v1.0/groups/${dynamic}`)).body).toMatchObject({ groupTypes: [], membershipRule: null, membershipRuleProcessingState: null });
    expect(await memberNames(f, f.contoso, dynamic)).toEqual(['D1']);
    expect((await f.call(f.contoso, 'DELETE', `/v1.0/groups/${dynamic}/members/${d1}/$ref`)).status).toBe(204);
  });

  it('group validation: required fields, dynamic ⇔ rule, bad rules with their position, user rules', async () => {
    for (const [body, message] of [
      [{ mailNickname: 'x' }, /'displayName' must be a string and is required/],
      [{ displayName: 'x' }, /'mailNickname'/],
      [{ displayName: 'x', mailNickname: 'has space' }, /'mailNickname' cannot contain ' '/],
      [{ displayName: 'x', mailNickname: 'x', groupTypes: ['DynamicMembership'] }, /needs a membershipRule/],
      [{ displayName: 'x', mailNickname: 'x', membershipRule: ALL_AUTOPILOT }, /only allowed on dynamic groups/],
      [{ displayName: 'x', mailNickname: 'x', groupTypes: ['Unified'] }, /Unified/],
      [{ displayName: 'x', mailNickname: 'x', groupTypes: ['DynamicMembership'], membershipRule: 'device.displayName -eq' }, /Invalid membershipRule at position 22/],
      [{ displayName: 'x', mailNickname: 'x', groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "Sales"' }, /devices only/],
      [{ displayName: 'x', mailNickname: 'x', groupTypes: ['DynamicMembership'], membershipRule: ALL_AUTOPILOT, membershipRuleProcessingState: 'Off' }, /'On' or 'Paused'/],
      [{ displayName: 'x', mailNickname: 'x', securityEnabled: 'yes' }, /'securityEnabled'/],
    ] as const) {
      const res = await f.call(f.contoso, 'POST', '/v1.0/groups', body);
      expect([res.status, res.body.error.code, res.body.error.message]).toEqual([400, 'Request_BadRequest', expect.stringMatching(message)]);
    }
    const id = await createGroup(f, f.contoso, { displayName: 'G', mailNickname: 'g', groupTypes: ['DynamicMembership'], membershipRule: ALL_AUTOPILOT });
    const bad = await f.call(f.contoso, 'PATCH', `/v1.0/groups/${id}`, { membershipRule: '(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]")' });
    expect([bad.status, bad.body.error.message]).toEqual([400, expect.stringMatching(/position 0: '\(' is never closed/)]);
    const cleared = await f.call(f.contoso, 'PATCH', `/v1.0/groups/${id}`, { membershipRule: null });
    expect([cleared.status, cleared.body.error.message]).toEqual([400, expect.stringMatching(/needs a membershipRule/)]);
  });

  it('lists groups with $filter, $select, $top/$count and nextLink; roles are enforced; another tenant sees 404 everywhere', async () => {
    for (let i = 0; i < 5; i++) await createGroup(f, f.contoso, { displayName: `Group ${i}`, mailNickname: `g${i}`, securityEnabled: i !== 4 });
    await createGroup(f, f.fabrikam, { displayName: 'Group 0', mailNickname: 'g0' });

    const page = await f.call(f.contoso, 'GET', `/v1.0/groups?$top=2&$count=true&$select=displayName`);
    expect(page.body['@odata.count']).toBe(5);
    expect(page.body.value).toHaveLength(2);
    expect(Object.keys(page.body.value[0]).sort()).toEqual(['@odata.type', 'displayName', 'id']);
    expect(page.body['@odata.context']).toMatch(/groups\(displayName\)$/);
    const seen = new Set<string>(page.body.value.map((g: { id: string }) => g.id));
    let next: string | undefined = page.body['@odata.nextLink'];
    while (next) {
      const res = await f.call(f.contoso, 'GET', next.replace(/^https?:\/\/[^/]+/, ''));
      for (const g of res.body.value) seen.add(g.id);
      next = res.body['@odata.nextLink'];
    }
    expect(seen.size).toBe(5);
    const filtered = await f.call(f.contoso, 'GET', `/v1.0/groups?$filter=${encodeURIComponent("startswith(displayName,'group') and securityEnabled eq false or mailNickname eq 'G1'")}`);
    expect((filtered.body.value as { displayName: string }[]).map((g) => g.displayName).sort()).toEqual(['Group 1', 'Group 4']);

    const readOnly = await f.appWithRoles(['Group.Read.All']);
    expect((await f.call(readOnly, 'GET', '/v1.0/groups')).status).toBe(200);
    expect((await f.call(readOnly, 'POST', '/v1.0/groups', { displayName: 'x', mailNickname: 'x' })).status).toBe(403);
    expect((await f.call(readOnly, 'GET', '/v1.0/devices')).status).toBe(403);
    const deviceReader = await f.appWithRoles(['Device.Read.All']);
    expect((await f.call(deviceReader, 'POST', '/v1.0/devices', newDevice('x'))).status).toBe(403);

    const group = [...seen][0];
    const device = (await f.call(f.contoso, 'POST', '/v1.0/devices', newDevice('Mine'))).body.id as string;
    for (const [method, url, body] of [
      ['GET', `/v1.0/groups/${group}`, undefined],
      ['PATCH', `/v1.0/groups/${group}`, { displayName: 'Stolen' }],
      ['DELETE', `/v1.0/groups/${group}`, undefined],
      ['GET', `/v1.0/groups/${group}/members`, undefined],
      ['POST', `/v1.0/groups/${group}/members/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${device}` }],
      ['GET', `/v1.0/devices/${device}`, undefined],
      ['PATCH', `/v1.0/devices/${device}`, { displayName: 'Stolen' }],
      ['DELETE', `/v1.0/devices/${device}`, undefined],
    ] as const) {
      const res = await f.call(f.fabrikam, method, url, body);
      expect([url, method, res.status, res.body.error.code]).toEqual([url, method, 404, 'Request_ResourceNotFound']);
    }
    expect((await f.call(f.contoso, 'GET', `/v1.0/groups/${group}`)).body.displayName).not.toBe('Stolen');
  });
});
