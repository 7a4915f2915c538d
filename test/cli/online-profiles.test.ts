// `tarmac profile …` against the real server (SQLite): create, list, assign to a group by name and to all devices,
// delete refused while assigned, unassign, delete, and export-json writing AutopilotConfigurationFile.json as ASCII
// with the exact field names (to a file in the working directory, to --out, and to stdout).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIGURATION_FILE_FIELDS } from '../support/profiles.js';
import { runTarmac } from '../support/run-tarmac.js';
import { demoGraphToken, ONLINE_TIMEOUT, useOnlineServer } from '../support/online-cli.js';

/** What export-json writes for a profile without a language (os-default). */
const FIELDS = CONFIGURATION_FILE_FIELDS.filter((field) => field !== 'CloudAssignedLanguage');

const s = useOnlineServer();
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tarmac-profile-cli-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A group made through the Graph API with the demo app's credentials (groups are not this command's business). */
async function createGroup(name: string): Promise<string> {
  const access_token = await demoGraphToken(s);
  const res = await fetch(`${s.url}/v1.0/groups`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: name, mailEnabled: false, mailNickname: name.replace(/\W/g, ''), securityEnabled: true }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('tarmac profile (online)', () => {
  it('creates, lists, assigns, refuses to delete while assigned, unassigns and deletes', async () => {
    const created = await s.cli(['profile', 'create', '--name', 'Sales laptops', '--template', 'SALES-%SERIAL%', '--standard-user', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const profile = JSON.parse(created.stdout) as { id: string; outOfBoxExperienceSetting: { userType: string; deviceUsageType: string } };
    expect(profile.outOfBoxExperienceSetting).toMatchObject({ userType: 'standard', deviceUsageType: 'singleUser' });
    const kiosk = await s.cli(['profile', 'create', '--name', 'Kiosks', '--mode', 'self-deploying', '--hybrid']);
    expect(kiosk.code, kiosk.stderr).toBe(0);
    expect(kiosk.stdout).toMatch(/Created deployment profile 'Kiosks' \(hybrid join, self-deploying\): [0-9a-f-]{36}/);

    const badTemplate = await s.cli(['profile', 'create', '--name', 'Bad', '--template', 'MUCH-TOO-LONG-NAME']);
    expect(badTemplate.code).toBe(1);
    expect(badTemplate.stderr).toContain('deviceNameTemplate is 18 characters long');

    const list = await s.cli(['profile', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split('\n')[0]).toBe('name\tjoin\tmode\tnameTemplate\tcreated\tid');
    expect(list.stdout).toMatch(/^Kiosks\thybrid\tself-deploying\t/m);
    expect(list.stdout).toMatch(new RegExp(`^Sales laptops\tentra\tuser-driven\tSALES-%SERIAL%\t.*\t${profile.id}$`, 'm'));

    const groupId = await createGroup('Sales devices');
    const assigned = await s.cli(['profile', 'assign', 'Sales laptops', '--group', 'Sales devices']);
    expect(assigned.code, assigned.stderr).toBe(0);
    expect(assigned.stdout).toContain(`(assignment ${profile.id}_${groupId})`);
    const all = await s.cli(['profile', 'assign', profile.id, '--all-devices']);
    expect(all.code, all.stderr).toBe(0);
    const again = await s.cli(['profile', 'assign', 'Sales laptops', '--all-devices']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already has an assignment');
    const neither = await s.cli(['profile', 'assign', 'Sales laptops']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('Give either --group <id|name> or --all-devices');
    const unknown = await s.cli(['profile', 'assign', 'No such profile', '--all-devices']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No deployment profile has the id or name 'No such profile'");

    const refused = await s.cli(['profile', 'delete', 'Sales laptops']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'Cannot delete Sales laptops. The profile is assigned to groups. You must unassign all groups from this profile before you can delete it.',
    );

    expect((await s.cli(['profile', 'unassign', 'Sales laptops', '--group', groupId])).code).toBe(0);
    const unassignAll = await s.cli(['profile', 'unassign', 'Sales laptops', '--all-devices']);
    expect(unassignAll.code, unassignAll.stderr).toBe(0);
    const notAssigned = await s.cli(['profile', 'unassign', 'Sales laptops', '--all-devices']);
    expect(notAssigned.code).toBe(1);
    const deleted = await s.cli(['profile', 'delete', 'Sales laptops']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((await s.cli(['profile', 'list', '--json'])).stdout).not.toContain('Sales laptops');
  }, ONLINE_TIMEOUT);

  it('export-json writes AutopilotConfigurationFile.json: ASCII only, exact fields, to the working directory, --out and stdout', async () => {
    const created = await s.cli(['profile', 'create', '--name', 'Büro Geräte', '--template', 'BUERO-%RAND:4%', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const id = (JSON.parse(created.stdout) as { id: string }).id;

    const result = await runTarmac(['profile', 'export-json', 'Büro Geräte'], { cwd: work, env: { ...s.env } });
    expect(result.code, result.stderr).toBe(0);
    const bytes = readFileSync(join(work, 'AutopilotConfigurationFile.json'));
    expect([...bytes].every((byte) => byte < 0x80)).toBe(true);
    const text = bytes.toString('ascii');
    expect(text).toContain('"Comment_File": "Profile B\\u00fcro Ger\\u00e4te"');
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(file)).toEqual(FIELDS);
    expect(file).toMatchObject({
      Version: 2049,
      CloudAssignedTenantDomain: 'demo.onmicrosoft.com',
      CloudAssignedOobeConfig: 8 + 256 + 4 + 16,
      CloudAssignedDomainJoinMethod: 0,
      CloudAssignedForcedEnrollment: 1,
      ZtdCorrelationId: id,
      CloudAssignedDeviceName: 'BUERO-%RAND:4%',
      Comment_File: 'Profile Büro Geräte',
    });
    expect(JSON.parse(file.CloudAssignedAadServerData as string)).toEqual({
      ZeroTouchConfig: { CloudAssignedTenantUpn: '', ForcedEnrollment: 1, CloudAssignedTenantDomain: 'demo.onmicrosoft.com' },
    });

    const other = join(work, 'other.json');
    expect((await s.cli(['profile', 'export-json', id, '--out', other])).code).toBe(0);
    expect(readFileSync(other).equals(bytes)).toBe(true);
    const stdout = await s.cli(['profile', 'export-json', id, '--out', '-']);
    expect(stdout.code).toBe(0);
    expect(stdout.stdout).toBe(text);
  }, ONLINE_TIMEOUT);
});
