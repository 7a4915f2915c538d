// `tarmac groups …` and `tarmac entra …` through the real binary against a real `tarmac serve` (SQLite): a dynamic
// group picks up imported devices by group tag, lists and members as tables and JSON, the lambda filter, the refusal
// to delete an Autopilot device's Entra object (exit 1 with the server's reason), and deleting by display name.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runTarmac } from '../support/run-tarmac.js';
import { syntheticDevice, writeCsv } from '../support/online-server.js';
import { demoGraphToken, ONLINE_TIMEOUT, useOnlineServer } from '../support/online-cli.js';

const s = useOnlineServer();

/** POST /v1.0/devices with the demo app's token (a personal device, not made by the CLI). */
async function createEntraDevice(displayName: string): Promise<string> {
  const access_token = await demoGraphToken(s);
  const res = await fetch(`${s.url}/v1.0/devices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      accountEnabled: true,
      alternativeSecurityIds: [],
      deviceId: randomUUID(),
      displayName,
      operatingSystem: 'Windows',
      operatingSystemVersion: '10.0.22631',
      trustType: 'Workplace',
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('tarmac groups and entra (online)', () => {
  it('a dynamic group follows imported devices; list, members, entra list with a lambda, refusals and deletes', async () => {
    const sales = [8101, 8102].map((seed) => ({ ...syntheticDevice(seed), groupTag: 'Sales' }));
    const hr = { ...syntheticDevice(8103), groupTag: 'HR' };

    const created = await s.cli(['groups', 'create', '--name', 'Autopilot Sales', '--rule', '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Created dynamic group 'Autopilot Sales' \([0-9a-f-]{36}\)\.\n0 devices match its rule now\./);
    const imported = await s.cli(['import', writeCsv(s.dir, 'directory.csv', [...sales, hr])]);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);

    const members = await s.cli(['groups', 'members', 'autopilot sales', '--json']);
    expect(members.code, members.stderr).toBe(0);
    const memberJson = JSON.parse(members.stdout) as { displayName: string; physicalIds: string[] }[];
    expect(memberJson.map((m) => m.displayName).sort()).toEqual(sales.map((d) => d.serialNumber).sort());
    expect(memberJson.every((m) => m.physicalIds.includes('[OrderID]:Sales'))).toBe(true);
    const table = await s.cli(['groups', 'members', 'Autopilot Sales']);
    expect(table.stdout).toContain(sales[0]?.serialNumber);
    expect(table.stdout).not.toContain(hr.serialNumber);

    const bad = await s.cli(['groups', 'create', '--name', 'Broken', '--rule', 'device.serialNumber -eq "x"']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid membershipRule at position 7: unknown device property 'serialNumber'/);
    expect((await s.cli(['groups', 'create', '--name', 'Pilot ring', '--description', 'by hand'])).code).toBe(0);

    const list = await s.cli(['groups', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/Autopilot Sales\s+dynamic\s+\(device\.devicePhysicalIds -any/);
    expect(list.stdout).toMatch(/Pilot ring\s+static/);
    const listJson = JSON.parse((await s.cli(['groups', 'list', '--json'])).stdout) as { displayName: string }[];
    expect(listJson.map((g) => g.displayName).sort()).toEqual(['Autopilot Sales', 'Pilot ring']);

    const byod = await createEntraDevice('BYOD-LAPTOP');
    const autopilot = await s.cli(['entra', 'list', '--filter', "physicalIds/any(p: startswith(p, '[ZTDID]'))", '--json']);
    expect(autopilot.code, autopilot.stderr).toBe(0);
    expect((JSON.parse(autopilot.stdout) as { displayName: string }[]).map((d) => d.displayName).sort()).toEqual([...sales, hr].map((d) => d.serialNumber).sort());
    const registered = await s.cli(['entra', 'list', '--filter', "trustType eq 'Workplace'"]);
    expect(registered.stdout).toMatch(/BYOD-LAPTOP\s+Workplace/);
    const badFilter = await s.cli(['entra', 'list', '--filter', "serialNumber eq 'x'"]);
    expect(badFilter.code).toBe(2);
    expect(badFilter.stderr).toMatch(/Invalid \$filter at position 0: unknown property 'serialNumber'/);

    // The Autopilot device's Entra object is refused with the server's reason; the personal device goes.
    const refused = await s.cli(['entra', 'delete', hr.serialNumber, 'BYOD-LAPTOP']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/BYOD-LAPTOP\s+.*deleted/);
    expect(refused.stderr).toMatch(/refused .*is a Windows Autopilot device.*would orphan its Autopilot record.*DELETE \/deviceManagement\/windowsAutopilotDeviceIdentities\//);
    const after = JSON.parse((await s.cli(['entra', 'list', '--json'])).stdout) as { id: string }[];
    expect(after.map((d) => d.id)).not.toContain(byod);
    expect(after).toHaveLength(3);

    const deleted = await s.cli(['groups', 'delete', 'Pilot ring', 'No such group', '--json']);
    expect(deleted.code).toBe(1);
    expect(JSON.parse(deleted.stdout)).toMatchObject([
      { target: 'Pilot ring', status: 'deleted' },
      { target: 'No such group', status: 'notFound' },
    ]);
  }, ONLINE_TIMEOUT);

  it('--help shows examples', async () => {
    for (const args of [['groups', 'create', '--help'], ['entra', 'delete', '--help']]) {
      const help = await runTarmac(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`$ tarmac ${args[0]} ${args[1]}`);
      expect(help.stdout).toContain('TARMAC_CLIENT_SECRET');
    }
  });
});
