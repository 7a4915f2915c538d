// `tarmac audit` and `tarmac audit purge` against a real database (SQLite and PostgreSQL), through bin/tarmac.js: the
// events of one tenant or all, newest first, filtered by time, category and correlation id, as a table or JSON; the
// purge of what retention no longer keeps; and wrong options named with exit code 1.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAuditEvent, type AuditEvent } from '../../src/audit/index.js';
import { loadConfig } from '../../src/config.js';
import { createStore, openDatabase } from '../../src/store/index.js';
import { cli, removeTemps, tempDir } from '../support/serve-process.js';
import { createPostgresScratch, type PostgresScratch, TEST_ENGINES } from '../support/test-databases.js';

const TIMEOUT = 120_000;
const DAY = 86_400_000;

afterAll(removeTemps);

function event(tenantId: string, ageMs: number, category: string, correlationId = randomUUID()): AuditEvent {
  return newAuditEvent({
    tenantId,
    at: new Date(Date.now() - ageMs),
    category,
    componentName: 'Enrollment',
    operation: 'Delete',
    resourceType: 'windowsAutopilotDeviceIdentity',
    result: 'Success',
    correlationId,
    requestId: randomUUID(),
    http: { method: 'DELETE', path: '/v1.0/deviceManagement/windowsAutopilotDeviceIdentities/x', status: 204 },
    actor: {
      type: 'Application',
      auditActorType: 'application',
      userPermissions: [],
      applicationId: randomUUID(),
      applicationDisplayName: 'Intune scripts',
      userPrincipalName: null,
      servicePrincipalName: null,
      ipAddress: '127.0.0.1',
      userId: null,
      remoteTenantId: null,
      remoteUserId: null,
    },
    resources: [{ type: 'windowsAutopilotDeviceIdentity', id: randomUUID(), before: { serialNumber: 'SN-1' }, after: undefined }],
  });
}

describe.each(TEST_ENGINES)('tarmac audit on %s', (engine) => {
  let env: Record<string, string>;
  let scratch: PostgresScratch | undefined;
  let contoso: string;
  let fabrikam: string;
  const correlationId = randomUUID();
  const run = async (args: string[], expectedCode = 0) => {
    const r = await cli(env, args);
    expect(r.code, `tarmac ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(expectedCode);
    return r;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json = async (args: string[]): Promise<any> => JSON.parse((await run([...args, '--json'])).stdout);

  beforeAll(async () => {
    if (engine === 'postgres') {
      scratch = await createPostgresScratch();
      env = { TARMAC_DATABASE_URL: scratch.url, TARMAC_DATA_DIR: join(tempDir(), 'unused') };
    } else {
      env = { TARMAC_DATA_DIR: tempDir() };
    }
    contoso = (await json(['tenant', 'create', '--domain', 'contoso.onmicrosoft.com'])).tenantId;
    fabrikam = (await json(['tenant', 'create', '--domain', 'fabrikam.onmicrosoft.com'])).tenantId;
    const db = await openDatabase(loadConfig(env));
    try {
      const audit = createStore(db).audit;
      await audit.append(event(contoso, 400 * DAY, 'Enrollment'));
      await audit.append(event(contoso, 3 * DAY, 'Device'));
      await audit.append(event(contoso, 60_000, 'Enrollment', correlationId));
      await audit.append(event(fabrikam, 2 * DAY, 'Enrollment'));
    } finally {
      await db.destroy();
    }
  }, TIMEOUT);
  afterAll(async () => scratch?.drop());

  it('lists a tenant’s events newest first, or every tenant’s; filters by time, category and correlation id', { timeout: TIMEOUT }, async () => {
    const mine = await json(['audit', '--tenant', 'contoso.onmicrosoft.com']);
    expect(mine.map((e: AuditEvent) => e.category)).toEqual(['Enrollment', 'Device', 'Enrollment']);
    expect(mine.every((e: AuditEvent) => e.tenantId === contoso)).toBe(true);
    expect(mine[0]).toMatchObject({ correlationId, activityType: 'Delete WindowsAutopilotDeviceIdentity', resources: [{ modifiedProperties: [{ displayName: 'serialNumber', oldValue: 'SN-1', newValue: null }] }] });
    expect((await json(['audit', 'list'])).map((e: AuditEvent) => e.tenantId)).toEqual([contoso, fabrikam, contoso, contoso]);
    expect(await json(['audit', '--tenant', contoso, '--since', '7d'])).toHaveLength(2);
    expect(await json(['audit', '--since', '7d', '--until', '1h'])).toHaveLength(2);
    expect((await json(['audit', '--category', 'device'])).map((e: AuditEvent) => e.tenantId)).toEqual([contoso]);
    expect((await json(['audit', '--correlation-id', correlationId.toUpperCase()])).map((e: AuditEvent) => e.correlationId)).toEqual([correlationId]);
    expect(await json(['audit', '--top', '1'])).toHaveLength(1);
    const table = (await run(['audit', '--tenant', 'fabrikam.onmicrosoft.com'])).stdout;
    expect(table).toMatch(/Delete WindowsAutopilotDeviceIdentity/);
    expect(table).toMatch(/Intune scripts/);
  });

  it('purges what retention no longer keeps (default 365 days, or --retention-days)', { timeout: TIMEOUT }, async () => {
    expect(await json(['audit', 'purge'])).toEqual({ purged: 1, retentionDays: 365 });
    expect(await json(['audit', '--tenant', contoso])).toHaveLength(2);
    expect((await run(['audit', 'purge', '--retention-days', '1'])).stdout).toMatch(/^Purged 2 audit events older than 1 day\./);
    expect((await json(['audit'])).map((e: AuditEvent) => e.correlationId)).toEqual([correlationId]);
  });

  it('records the CLI’s own offline writes (here: an app with its permissions, its secret left out)', { timeout: TIMEOUT }, async () => {
    const app = await json(['app', 'create', '--tenant', 'contoso.onmicrosoft.com', '--name', 'Auditor', '--role', 'DeviceManagementApps.Read.All']);
    const [event] = await json(['audit', '--tenant', contoso, '--since', '10m', '--category', 'Role']);
    expect(event).toMatchObject({
      activityType: 'Create Application',
      componentName: 'TarmacCli',
      http: { method: 'CLI', path: 'tarmac app create' },
      actor: { type: 'ItPro', auditActorType: 'user', applicationDisplayName: 'tarmac CLI', userPrincipalName: expect.stringContaining('@') },
      resources: [{ resourceId: app.appId, displayName: 'Auditor' }],
    });
    expect(event.resources[0].modifiedProperties).toContainEqual({ displayName: 'roles', oldValue: null, newValue: '["DeviceManagementApps.Read.All"]' });
    expect(JSON.stringify(event)).not.toContain(app.clientSecret);
  });

  it('names a wrong option (exit 1)', { timeout: TIMEOUT }, async () => {
    expect((await run(['audit', '--since', 'yesterday'], 1)).stderr).toMatch(/--since 'yesterday' is not a time/);
    expect((await run(['audit', 'purge', '--retention-days', '0'], 1)).stderr).toMatch(/--retention-days must be a whole number from 1 to 36500; got '0'/);
    expect(JSON.parse((await run(['audit', '--tenant', 'nowhere.example.com', '--json'], 1)).stdout)).toMatchObject({ error: { code: 'TenantNotFound' } });
  });
});
