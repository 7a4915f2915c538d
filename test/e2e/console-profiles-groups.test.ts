// The console's deployment profiles and groups in Chromium against the real `tarmac serve`, on SQLite and PostgreSQL:
// a dynamic group whose rule is checked as it is typed (the error at its position), whose preview and members pick a
// device up once its group tag changes; a profile made in the wizard (name template with its live example, the
// self-deploying greying) and assigned to that group, which Graph then reports as the device's profile; deleting an
// assigned profile shows the server's refusal. axe-core finds nothing serious on any page or step.
import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  HAVE_CHROMIUM,
  PAGE_TEST_ENGINES,
  createTenantUser,
  closeBrowser,
  launchBrowser,
  newPage,
  screenshotBothThemes,
  seriousViolations,
  signIn,
  startConsoleServer,
  type ConsoleServer,
} from '../support/console-browser.js';
import { labHash } from '../support/lab-devices.js';
import { cli, getToken, removeTemps } from '../support/serve-process.js';

afterAll(removeTemps);
afterAll(closeBrowser);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const AP = '/v1.0/deviceManagement/windowsAutopilotDeviceIdentities';
const PROFILES = '/beta/deviceManagement/windowsAutopilotDeploymentProfiles';

describe.skipIf(!HAVE_CHROMIUM).each(PAGE_TEST_ENGINES)('console profiles and groups (%s)', (engine) => {
  let server: ConsoleServer;
  let browser: BrowserContext;
  beforeAll(async () => {
    server = await startConsoleServer(engine);
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    await browser?.close();
  });

  it('builds a dynamic group over a group tag and assigns a profile to it through the wizard', { timeout: 180_000 }, async () => {
    const domain = `profiles-${engine}.onmicrosoft.com`;
    const admin = await createTenantUser(server.env, { domain });

    // Two Autopilot devices, imported through Graph with an app's token (the worker registers them).
    const app = await cli(server.env, ['app', 'create', '--tenant', domain, '--json']);
    expect(app.code, app.stderr).toBe(0);
    const creds = JSON.parse(app.stdout) as { clientId: string; clientSecret: string };
    const token = await getToken(server.url, admin.tenantId, creds.clientId, creds.clientSecret);
    const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined };
    };
    const ztdIds: string[] = [];
    for (const [seed, serial] of [
      [501, 'CONSOLE-A1'],
      [502, 'CONSOLE-B2'],
    ] as const) {
      const created = await api('POST', '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities', { serialNumber: serial, hardwareIdentifier: labHash(seed, serial) });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      let state: Json;
      await expect
        .poll(
          async () => {
            state = (await api('GET', `/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/${created.body.id}`)).body.state;
            return state.deviceImportStatus;
          },
          { timeout: 30_000, interval: 100 },
        )
        .toBe('complete');
      ztdIds.push(state.deviceRegistrationId);
    }

    browser = await launchBrowser();
    const page = await newPage(browser);
    await signIn(page, server.url, admin);

    // Groups: the list, then New group.
    await page.goto(`${server.url}/groups`);
    await page.getByRole('heading', { name: 'Groups' }).waitFor();
    await page.getByText('No groups yet').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'New group' }).click();
    await page.getByRole('heading', { name: 'New group' }).waitFor();
    await page.getByLabel('Group name').fill('Sales devices');
    await page.getByLabel('Group description').fill('Autopilot devices tagged Sales');

    // A broken rule: single quotes. The parser's message, and the character it points at marked.
    const broken = "(device.devicePhysicalIds -any (_ -eq '[OrderID]:Sales'))";
    const rule = page.getByRole('textbox', { name: 'Rule syntax' });
    await rule.fill(broken);
    const position = broken.indexOf("'") + 1;
    await page.getByText(`Position ${position}: put values in double quotes ("…"), not single quotes`).waitFor();
    expect(await page.getByTestId('rule-error-location').locator('mark').innerText()).toBe("'");
    expect(await seriousViolations(page)).toEqual([]);
    if (engine === 'sqlite') await screenshotBothThemes(page, 'group-rule-editor');

    // The right rule: valid, and no device has the tag yet.
    await rule.fill('(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))');
    await page.getByText('The rule is valid.').waitFor();
    await expect.poll(() => page.getByTestId('preview-count').innerText()).toBe('0 devices match');
    // The helper writes Intune's group tag rule.
    await rule.fill('');
    await page.getByLabel('Group tag').fill('Sales');
    await page.getByRole('button', { name: 'Add group tag rule' }).click();
    expect(await rule.inputValue()).toBe('(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/groups\/[0-9a-f-]{36}$/);
    const groupId = page.url().split('/').pop() ?? '';
    await expect.poll(() => page.getByTestId('member-count').innerText()).toBe('0 members');

    // The group tag changes through Graph: the preview and the group's real members pick the device up.
    const tagged = await api('POST', `${AP}/${ztdIds[0]}/updateDeviceProperties`, { groupTag: 'Sales' });
    expect(tagged.status, JSON.stringify(tagged.body)).toBe(204);
    await page.getByRole('button', { name: 'Refresh devices' }).click();
    await expect.poll(() => page.getByTestId('preview-count').innerText()).toBe('1 device matches');
    await page.getByRole('button', { name: 'Refresh members' }).click();
    await expect.poll(() => page.getByTestId('member-count').innerText()).toBe('1 member');
    expect(await page.getByRole('table', { name: 'Members' }).innerText()).toContain('Sales');
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${server.url}/groups`);
    const groupRow = page.getByRole('row', { name: /Sales devices/ });
    await groupRow.waitFor();
    expect(await groupRow.innerText()).toMatch(/Dynamic Device[\s\S]*\[OrderID\]:Sales[\s\S]*1/);
    expect(await seriousViolations(page)).toEqual([]);
    if (engine === 'sqlite') await screenshotBothThemes(page, 'groups');

    // The profile wizard.
    await page.goto(`${server.url}/profiles`);
    await page.getByRole('heading', { name: 'Windows Autopilot deployment profiles' }).waitFor();
    await page.getByText('No deployment profiles yet').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: /Create profile/ }).click();
    await page.getByRole('menuitem', { name: 'Windows PC' }).click();
    await page.getByRole('heading', { name: 'Create profile' }).waitFor();
    // Next without a name: the step says what is missing.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Name is required.').first().waitFor();
    await page.getByRole('textbox', { name: /^Name\b/ }).fill('Sales user-driven');
    await page.getByLabel('Description').fill('For the Sales team');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Next' }).click();

    // OOBE: self-deploying greys the user-facing choices; back to user-driven.
    await page.getByRole('combobox', { name: 'Deployment mode' }).click();
    await page.getByRole('option', { name: 'Self-deploying' }).click();
    expect(await page.getByRole('radiogroup', { name: 'Microsoft Software License Terms' }).getByRole('radio', { name: 'Hide' }).isDisabled()).toBe(true);
    expect(await page.getByRole('radiogroup', { name: 'Microsoft Software License Terms' }).getByRole('radio', { name: 'Hide' }).isChecked()).toBe(true);
    expect(await page.getByRole('combobox', { name: 'User account type' }).isDisabled()).toBe(true);
    await page.getByRole('combobox', { name: 'Deployment mode' }).click();
    await page.getByRole('option', { name: 'User-driven' }).click();
    expect(await page.getByRole('combobox', { name: 'User account type' }).isDisabled()).toBe(false);

    // The name template: the server's rule, then a live example against the sample serial.
    await page.getByRole('radiogroup', { name: 'Apply device name template' }).getByRole('radio', { name: 'Yes' }).check();
    const template = page.getByRole('textbox', { name: 'Enter a name' });
    await template.fill('SALES-DEPARTMENT-%RAND:4%');
    await page.getByText('deviceNameTemplate produces names of 21 characters; device names can be at most 15.').waitFor();
    await template.fill('12345');
    await page.getByText('deviceNameTemplate must not produce names made of digits only.').waitFor();
    await template.fill('SLS-%SERIAL%');
    await expect.poll(() => page.getByTestId('name-example').innerText()).toBe('SLS-5CG1234XYZ');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId('name-example').scrollIntoViewIfNeeded();
    if (engine === 'sqlite') await screenshotBothThemes(page, 'profile-wizard-oobe');
    await page.getByRole('button', { name: 'Next' }).click();

    // Assignments: the dynamic group included.
    await page.getByRole('group', { name: 'Included groups' }).getByRole('checkbox', { name: 'Sales devices' }).check();
    await page.getByText('Selected: Sales devices').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Next' }).click();

    // Review + create.
    const review = page.getByRole('region', { name: 'Review + create' });
    await review.waitFor();
    const summary = await review.innerText();
    expect(summary).toContain('Sales user-driven');
    expect(summary).toContain('Microsoft Entra joined');
    expect(summary).toContain('SLS-%SERIAL% (e.g. SLS-5CG1234XYZ)');
    expect(summary).toContain('Sales devices');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(`${server.url}/profiles`);
    const profileRow = page.getByRole('row', { name: /Sales user-driven/ });
    await profileRow.waitFor();
    expect(await profileRow.innerText()).toMatch(/Microsoft Entra joined\s+User-driven\s+Yes/);
    expect(await seriousViolations(page)).toEqual([]);
    if (engine === 'sqlite') await screenshotBothThemes(page, 'profiles');

    // Graph: the profile as the wizard wrote it, assigned to the group; the tagged device has it, the other not.
    const profiles = await api('GET', `${PROFILES}?$filter=displayName eq 'Sales user-driven'`);
    const profile = profiles.body.value[0];
    expect(profile.deviceNameTemplate).toBe('SLS-%SERIAL%');
    expect(profile.outOfBoxExperienceSetting.deviceUsageType).toBe('singleUser');
    expect(profile['@odata.type']).toBe('#microsoft.graph.azureADWindowsAutopilotDeploymentProfile');
    const assignments = await api('GET', `${PROFILES}/${profile.id}/assignments`);
    expect(assignments.body.value.map((a: Json) => a.id)).toEqual([`${profile.id}_${groupId}`]);
    await expect
      .poll(async () => (await api('GET', `/beta/deviceManagement/windowsAutopilotDeviceIdentities/${ztdIds[0]}`)).body.deploymentProfileAssignmentStatus, { timeout: 15_000 })
      .toMatch(/^assigned/);
    const device = await api('GET', `/beta/deviceManagement/windowsAutopilotDeviceIdentities/${ztdIds[0]}?$expand=deploymentProfile`);
    expect(device.body.deploymentProfile.id).toBe(profile.id);
    const other = await api('GET', `/beta/deviceManagement/windowsAutopilotDeviceIdentities/${ztdIds[1]}`);
    expect(other.body.deploymentProfileAssignmentStatus).toBe('notAssigned');

    // The saved profile opens in the same wizard; deleting it while assigned shows the server's refusal.
    await profileRow.getByRole('link', { name: 'Sales user-driven' }).click();
    await page.getByRole('heading', { name: 'Deployment profile' }).waitFor();
    expect(await page.getByRole('textbox', { name: /^Name\b/ }).inputValue()).toBe('Sales user-driven');
    await page.getByRole('button', { name: /Out-of-box experience/ }).click();
    expect(await page.getByRole('textbox', { name: 'Enter a name' }).inputValue()).toBe('SLS-%SERIAL%');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('group', { name: 'Profile actions' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alertdialog', { name: 'Delete Sales user-driven?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Cannot delete Sales user-driven. The profile is assigned to groups. You must unassign all groups from this profile before you can delete it.').waitFor();

    // Editing: a new description saved through the same steps; the assignment stays.
    await page.getByRole('button', { name: /Basics/ }).click();
    await page.getByRole('textbox', { name: 'Description' }).fill('For the Sales team (laptops)');
    await page.getByRole('button', { name: /Review \+ save/ }).click();
    await page.getByRole('region', { name: 'Review + save' }).getByText('For the Sales team (laptops)').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(`${server.url}/profiles`);
    const edited = await api('GET', `${PROFILES}/${profile.id}`);
    expect(edited.body.description).toBe('For the Sales team (laptops)');
    expect(edited.body.deviceNameTemplate).toBe('SLS-%SERIAL%');
    expect((await api('GET', `${PROFILES}/${profile.id}/assignments`)).body.value).toHaveLength(1);
    expect(page.uncaught).toEqual([]);
  });
});
