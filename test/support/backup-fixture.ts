// A database holding a row in (nearly) every table, made the way Tarmac makes them — Graph, Partner Center, OOBE
// calls, the import worker, the tenants store — for the backup round trips: tenants of every kind, apps with secrets,
// the signing key, devices with hashes and identity keys, kept import rows, Entra and Intune objects, a dynamic group
// and its members, profiles and assignments, a CSP relationship, a Partner Center batch and policy, users, an auth
// code and a refresh token.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createUser } from '../../src/tenants/index.js';
import { labHash } from './lab-devices.js';
import { partnerFixture, type PartnerFixture } from './partner-fixture.js';
import { TEST_KEY_ENCRYPTION_KEY } from './test-databases.js';
import { userDrivenProfileBody } from './profiles.js';
import { device, importHashes } from './device-side.js';
import { PROFILES } from './graph-paths.js';
import type { TestEngine } from './test-databases.js';

export async function richDatabase(engine: TestEngine): Promise<PartnerFixture> {
  const f = await partnerFixture(engine, { env: { TARMAC_KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY } });
  try {
    const ok = (res: { status: number; body: unknown }, status = [200, 201, 202, 204]): void => {
      expect(status, JSON.stringify(res.body)).toContain(res.status);
    };
    const group = await f.call(f.contoso, 'POST', '/v1.0/groups', {
      displayName: 'Lab devices',
      mailNickname: 'labdevices',
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: ['DynamicMembership'],
      membershipRule: '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Lab"))',
      membershipRuleProcessingState: 'On',
    });
    ok(group);
    const profile = await f.call(f.contoso, 'POST', PROFILES, userDrivenProfileBody({ displayName: 'Lab', description: 'Backup fixture', deviceNameTemplate: 'LAB-%SERIAL%' }));
    ok(profile);
    ok(await f.call(f.contoso, 'POST', `${PROFILES}/${profile.body.id}/assignments`, { target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: group.body.id } }));

    // Devices with hashes (kept import rows), in both customer tenants; one enrolled, one workplace-joined elsewhere.
    const hashes = [1, 2, 3, 4].map((n) => labHash(7100 + n, `BKP-${n}`));
    const states = await importHashes(f, f.contoso, hashes, { groupTag: 'Lab' });
    expect(states.map((s) => s.deviceImportStatus)).toEqual(['complete', 'complete', 'complete', 'complete']);
    expect((await importHashes(f, f.fabrikam, [labHash(7200, 'BKP-F1')]))[0]?.deviceImportStatus).toBe('complete');
    ok(await device(f, 'profile', { hardwareHash: hashes[0] }));
    ok(await device(f, 'enroll', { hardwareHash: hashes[0], userPrincipalName: 'ada@contoso.onmicrosoft.com' }));
    ok(await device(f, 'workplace-join', { hardwareHash: labHash(7300, 'BKP-WJ'), userPrincipalName: 'bob@contoso.onmicrosoft.com', mdm: true }));
    ok(await f.call(f.contoso, 'POST', '/beta/deviceManagement/windowsAutopilotSettings/sync'));

    // Partners: a relationship, a device batch through Partner Center (its job and results), a policy.
    await f.relate(f.csp, f.contoso);
    const customer = `/v1/customers/${f.contoso.tenant.id}`;
    ok(await f.pc(f.csp, 'POST', `${customer}/deviceBatches`, { batchId: 'Wave-1', devices: [{ hardwareHash: labHash(7400, 'BKP-PC1') }] }));
    ok(await f.pc(f.csp, 'POST', `${customer}/policies`, { name: 'Standard', category: 'o_o_b_e', description: 'No EULA', policySettings: ['skip_eula'] }));

    // Users, and the sign-in rows of one (stored as the token endpoint would).
    const { user } = await createUser(f.store, { tenant: f.contoso.tenant.id, userPrincipalName: 'ada@contoso.onmicrosoft.com', roles: ['Intune Administrator'], password: 'Correct horse 1!' });
    const now = new Date().toISOString();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const familyId = randomUUID();
    await f.store.authCodes.insert({
      codeHash: 'code-' + randomUUID(),
      tenantId: f.contoso.tenant.id,
      clientId: f.contoso.app.clientId,
      userId: user.id,
      redirectUri: 'https://tarmac.example.com/',
      scope: 'openid profile',
      codeChallenge: 'challenge',
      nonce: null,
      familyId,
      expiresAt: later,
      used: true,
      createdAt: now,
    });
    await f.store.refreshTokens.insert({
      tokenHash: 'refresh-' + randomUUID(),
      tenantId: f.contoso.tenant.id,
      clientId: f.contoso.app.clientId,
      userId: user.id,
      scope: 'openid profile offline_access',
      familyId,
      expiresAt: later,
      revoked: false,
      createdAt: now,
    });
    await waitForQueue(f);
    return f;
  } catch (err) {
    await f.cleanup();
    throw err;
  }
}

/** Waits until the import worker has settled every queued row (the Partner Center batch). */
async function waitForQueue(f: PartnerFixture): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const waiting = await f.tdb.db
      .selectFrom('imported_device_identities')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('import_status', 'in', ['unknown', 'pending'])
      .executeTakeFirstOrThrow();
    if (Number(waiting.n) === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the import queue did not drain');
}
