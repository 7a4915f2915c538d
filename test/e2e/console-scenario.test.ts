// Issue 10's "done when" scenario as one flow in one browser session, in Chromium against the real `tarmac serve`, on
// SQLite and PostgreSQL. Every action of the user goes through the console's UI; the API (an app token) only checks
// the results. A tenant admin signs in; on Import a damaged CSV shows its codes at their lines with nothing sent,
// then a real Get-WindowsAutopilotInfo CSV is imported line by line; Devices lists it, the serial search finds it and
// the drawer shows the manufacturer and model decoded from its hash; its group tag is changed in the drawer; a dynamic
// group over that tag picks it up (preview, then members); a profile made in the wizard and assigned to the group
// becomes the device's profile (Assigned); the drawer's Delete shows the documented order and removes the Autopilot
// record; the admin signs out. axe-core finds nothing serious along the way.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateCsv } from '../../src/csv/index.js';
import { decodeHardwareHash } from '../../src/hash/index.js';
import { HAVE_CHROMIUM, createTenantUser, closeBrowser, launchBrowser, newPage, seriousViolations, signIn, startConsoleServer, type ConsoleServer } from '../support/console-browser.js';
import { H4, damagedHash, fakeDevice, lines } from '../support/csv-fixtures.js';
import { needsRealHashes, realCsvFiles } from '../support/real-hashes.js';
import { cli, getToken, removeTemps, tempDir } from '../support/serve-process.js';
import { TEST_ENGINES } from '../support/test-databases.js';

afterAll(removeTemps);
afterAll(closeBrowser);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const AP = '/beta/deviceManagement/windowsAutopilotDeviceIdentities';
const TAG = 'Scenario';
const GROUP = 'Scenario devices';
const PROFILE = 'Scenario user-driven';

/** The first real CSV every row of which is importable, with its first device (serial and hash). */
async function importableRealCsv(): Promise<{ file: string; rows: number; serial: string; hash: string }> {
  for (const file of realCsvFiles()) {
    const r = await validateCsv(readFileSync(file), { keepRecords: true });
    const first = r.records?.[0];
    if (r.ok && r.devices > 0 && r.devices === r.rows && first) return { file, rows: r.rows, serial: first.serialNumber, hash: first.decoded?.base64 ?? first.hardwareHash };
  }
  throw new Error('no importable CSV in the real-hash corpus');
}

/** The rows of a table (by its accessible name) as arrays of cell texts. */
async function tableRows(page: Page, name: string): Promise<string[][]> {
  const rows = await page.getByRole('table', { name, exact: true }).locator('tbody tr').allInnerTexts();
  return rows.map((r) => r.split('\t').map((c) => c.trim()));
}

describe.skipIf(!HAVE_CHROMIUM).each(TEST_ENGINES)('console scenario (%s)', (engine) => {
  let server: ConsoleServer;
  let browser: BrowserContext | undefined;
  beforeAll(async () => {
    server = await startConsoleServer(engine);
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    await browser?.close();
  });

  it(
    'signs in, checks and imports CSVs, finds the device, groups it by tag, assigns a profile, deletes it and signs out',
    { ...needsRealHashes, timeout: 180_000 },
    async () => {
      const real = await importableRealCsv();
      const name = path.basename(real.file);
      const system = decodeHardwareHash(real.hash).inventory?.system;
      expect(system?.manufacturer).toBeTruthy();

      // Seeding: the tenant, its admin, and an app whose token only checks results.
      const domain = `scenario-${engine}.onmicrosoft.com`;
      const admin = await createTenantUser(server.env, { domain });
      const app = await cli(server.env, ['app', 'create', '--tenant', domain, '--json']);
      expect(app.code, app.stderr).toBe(0);
      const creds = JSON.parse(app.stdout) as { clientId: string; clientSecret: string };
      const token = await getToken(server.url, admin.tenantId, creds.clientId, creds.clientSecret);
      const api = async (p: string): Promise<Json> => {
        const res = await fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status, p).toBe(200);
        return res.json();
      };
      const bySerial = async (): Promise<Json[]> => (await api(`${AP}?$filter=${encodeURIComponent(`serialNumber eq '${real.serial}'`)}`)).value;

      // A damaged CSV: a device, the same device again (duplicated) and a broken hash.
      const [a, b] = [9301, 9302].map((seed) => fakeDevice(seed));
      const damaged = path.join(tempDir(), 'damaged.csv');
      writeFileSync(damaged, lines([H4, `${a.serial},,${a.hash},Lab`, `${b.serial},,${damagedHash(b.hash)},`, `${a.serial},,${a.hash},`]));

      // 1. Sign in.
      browser = await launchBrowser();
      const page = await newPage(browser);
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/importedWindowsAutopilotDeviceIdentities')) posts.push(r.url());
      });
      await signIn(page, server.url, admin);
      expect(await seriousViolations(page)).toEqual([]);

      // 2. Import: the damaged CSV's codes at their lines, checked in the browser; nothing sent.
      await page.getByRole('link', { name: 'Import', exact: true }).click();
      await page.getByRole('heading', { name: 'Import Windows Autopilot devices' }).waitFor();
      const files = page.getByLabel('Autopilot CSV files to import');
      await files.setInputFiles(damaged);
      await page.getByRole('table', { name: 'Problems in damaged.csv' }).waitFor();
      const problems = (await tableRows(page, 'Problems in damaged.csv')).map((r) => [r[0], r[2], r[3]]);
      expect(problems).toEqual([
        ['3', 'error', '802 - InvalidZtdHardwareHash'],
        ['4', 'error', 'ZtdDeviceDuplicated'],
      ]);
      await page.getByText('Not importable as is: 3 rows, 1 device, 2 errors').waitFor();
      expect(posts).toEqual([]);
      expect(await seriousViolations(page)).toEqual([]);

      // 3. The real CSV instead, imported: every line complete.
      await page.getByRole('button', { name: 'Remove damaged.csv' }).click();
      await files.setInputFiles(real.file);
      await page.getByRole('table', { name: `Devices to import from ${name}` }).waitFor();
      expect(posts).toEqual([]);
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByText(real.rows === 1 ? 'The device was imported. It is listed under Windows Autopilot devices.' : `All ${real.rows} devices were imported. They are listed under Windows Autopilot devices.`).waitFor({ timeout: 60_000 });
      const results = await tableRows(page, 'Result of each CSV line');
      expect(results).toHaveLength(real.rows);
      for (const r of results) expect(r[3]).toBe('Imported');
      expect(posts).toHaveLength(1);
      expect(await seriousViolations(page)).toEqual([]);

      // 4. Devices: the grid, the serial search, the drawer with the hardware decoded from the hash.
      await page.getByRole('link', { name: 'Devices', exact: true }).click();
      await page.getByRole('heading', { name: 'Windows Autopilot devices' }).waitFor();
      const row = page.locator('[role=grid][aria-label="Windows Autopilot devices"] [role=row]', { hasText: real.serial });
      await row.first().waitFor();
      await page.getByText(real.rows === 1 ? '1 device' : `${real.rows} devices`, { exact: true }).waitFor();
      await page.getByRole('searchbox').first().fill(real.serial);
      await page.getByText('1 device', { exact: true }).waitFor();
      expect(await row.count()).toBe(1);
      await row.click();
      const drawer = page.getByRole('dialog');
      const hardware = drawer.getByRole('region', { name: 'Hardware (decoded from the hash)' });
      await hardware.getByText(system?.manufacturer ?? 'missing', { exact: true }).waitFor();
      await hardware.getByText(system?.model ?? 'missing', { exact: true }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);

      // 5. The group tag, saved in the drawer; then a dynamic group over it picks the device up.
      await drawer.getByLabel('Group tag').fill(TAG);
      await drawer.getByRole('button', { name: 'Save' }).click();
      await drawer.getByText('Saved.').waitFor();
      expect((await bySerial())[0].groupTag).toBe(TAG);
      await drawer.getByRole('button', { name: 'Close' }).click();
      await drawer.waitFor({ state: 'hidden' });

      await page.getByRole('link', { name: 'Groups', exact: true }).click();
      await page.getByRole('heading', { name: 'Groups' }).waitFor();
      await page.getByRole('button', { name: 'New group' }).click();
      await page.getByRole('heading', { name: 'New group' }).waitFor();
      await page.getByLabel('Group name').fill(GROUP);
      await page.getByRole('textbox', { name: 'Rule syntax' }).fill(`(device.devicePhysicalIds -any (_ -eq "[OrderID]:${TAG}"))`);
      await page.getByText('The rule is valid.').waitFor();
      await expect.poll(() => page.getByTestId('preview-count').innerText(), { timeout: 15_000 }).toBe('1 device matches');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.waitForURL(/\/groups\/[0-9a-f-]{36}$/);
      await expect
        .poll(
          async () => {
            const count = await page.getByTestId('member-count').innerText();
            if (count !== '1 member') await page.getByRole('button', { name: 'Refresh members' }).click();
            return count;
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBe('1 member');
      expect(await page.getByRole('table', { name: 'Members' }).innerText()).toContain(TAG);
      expect(await seriousViolations(page)).toEqual([]);

      // 6. A profile made in the wizard, assigned to the group: the device's profile status becomes Assigned.
      await page.getByRole('link', { name: 'Deployment profiles', exact: true }).click();
      await page.getByRole('heading', { name: 'Windows Autopilot deployment profiles' }).waitFor();
      await page.getByRole('button', { name: /Create profile/ }).click();
      await page.getByRole('menuitem', { name: 'Windows PC' }).click();
      await page.getByRole('heading', { name: 'Create profile' }).waitFor();
      await page.getByRole('textbox', { name: /^Name\b/ }).fill(PROFILE);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('combobox', { name: 'Deployment mode' }).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('group', { name: 'Included groups' }).getByRole('checkbox', { name: GROUP }).check();
      await page.getByText(`Selected: ${GROUP}`).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('region', { name: 'Review + create' }).waitFor();
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.waitForURL(`${server.url}/profiles`);
      await page.getByRole('row', { name: new RegExp(PROFILE) }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('link', { name: 'Devices', exact: true }).click();
      await page.getByRole('heading', { name: 'Windows Autopilot devices' }).waitFor();
      await page.getByRole('searchbox').first().fill(real.serial);
      await page.getByText('1 device', { exact: true }).waitFor();
      await row.click();
      const status = drawer.getByRole('region', { name: 'Autopilot' }).locator('dt:text-is("Profile status") + dd');
      const assigned = drawer.getByRole('region', { name: 'Autopilot' }).locator('dt:text-is("Assigned profile") + dd');
      // The assignment is computed in the background: close and reopen the drawer (it fetches the device again).
      await expect
        .poll(
          async () => {
            const now = await status.innerText();
            if (now !== 'Assigned') {
              await drawer.getByRole('button', { name: 'Close' }).click();
              await drawer.waitFor({ state: 'hidden' });
              await row.click();
              await status.waitFor();
            }
            return now;
          },
          { timeout: 20_000, interval: 500 },
        )
        .toBe('Assigned');
      expect(await assigned.innerText()).toBe(PROFILE);
      expect((await bySerial())[0].deploymentProfileAssignmentStatus).toMatch(/^assigned/);

      // Delete from the drawer: the documented order, nothing pending before the Autopilot record, which goes.
      await drawer.getByRole('button', { name: 'Delete' }).click();
      const removal = page.getByRole('alertdialog');
      expect(await removal.getByRole('list', { name: 'Steps, in order' }).getByRole('listitem').allInnerTexts()).toEqual([
        'Intune device: must be done first (not enrolled: nothing to do)',
        'Assigned user: must be done first (no user assigned: nothing to do)',
        expect.stringMatching(/^Autopilot record: deregister the device/),
        expect.stringMatching(/^Entra object: /),
      ]);
      expect(await seriousViolations(page)).toEqual([]);
      await removal.getByRole('button', { name: 'Delete' }).click();
      await removal.getByText('deleted').waitFor();
      await removal.getByRole('button', { name: 'Close' }).click();
      await removal.waitFor({ state: 'hidden' });
      if (await drawer.isVisible()) await drawer.getByRole('button', { name: 'Close' }).click();
      await row.waitFor({ state: 'detached' });
      await page.getByText('0 devices').waitFor();
      expect(await bySerial()).toEqual([]);

      // 7. Sign out.
      await page.getByRole('button', { name: /^Account:/ }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await page.getByText('You signed out.').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      expect(page.uncaught).toEqual([]);
    },
  );
});
