// The console's Import page in Chromium against the real `tarmac serve`, on SQLite and PostgreSQL: a damaged CSV is
// checked in the browser — the same problems at the same lines as `tarmac csv validate`, nothing sent — and its
// fixed CSV is the one `tarmac csv fix` writes; a pasted hash is checked the same way; a real Get-WindowsAutopilotInfo
// CSV and a synthetic one are imported (every sent line complete, at its file and line), imported again (806
// ZtdDeviceAlreadyAssigned with its explanation), and the imports are in History.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { validateCsv } from '../../src/csv/index.js';
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
import { H4, damagedHash, fakeDevice, lines, unpaddedHash } from '../support/csv-fixtures.js';
import { needsRealHashes, realCsvFiles } from '../support/real-hashes.js';
import { cli, removeTemps, tempDir } from '../support/serve-process.js';

afterAll(removeTemps);
afterAll(closeBrowser);

const TIMEOUT = 180_000;

/** The rows of a table (by its accessible name) as arrays of cell texts. */
async function tableRows(page: Page, name: string): Promise<string[][]> {
  const rows = await page.getByRole('table', { name, exact: true }).locator('tbody tr').allInnerTexts();
  return rows.map((r) => r.split('\t').map((c) => c.trim()));
}

/** Every POST that would import or create devices. */
function watchImports(page: Page): string[] {
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes('/importedWindowsAutopilotDeviceIdentities')) posts.push(r.url());
  });
  return posts;
}

/** The first real CSV every row of which is importable (lenient, as the console checks by default). */
async function importableRealCsv(): Promise<{ file: string; rows: number; serials: string[] }> {
  for (const file of realCsvFiles()) {
    const r = await validateCsv(readFileSync(file), { keepRecords: true });
    if (r.ok && r.devices > 0 && r.devices === r.rows) return { file, rows: r.rows, serials: (r.records ?? []).map((x) => x.serialNumber) };
  }
  throw new Error('no importable CSV in the real-hash corpus');
}

describe.skipIf(!HAVE_CHROMIUM).each(PAGE_TEST_ENGINES)('console import (%s)', (engine) => {
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

  it(
    'checks a damaged CSV in the browser as `tarmac csv validate` does, sends nothing, and downloads what `tarmac csv fix` writes',
    async () => {
      const admin = await createTenantUser(server.env, { domain: `import-check-${engine}.onmicrosoft.com` });
      const [a, b, c] = [9101, 9102, 9103].map((seed) => fakeDevice(seed));
      const dir = tempDir();
      const csv = path.join(dir, 'damaged.csv');
      writeFileSync(
        csv,
        lines([
          H4,
          `${a.serial},,${a.hash},Lab`, // 2: fine
          `${b.serial},,${damagedHash(b.hash)},`, // 3: 802
          `"${c.serial}",,${unpaddedHash(c.hash)},`, // 4: quoted, unpadded (warnings: sent)
          `${a.serial},,${a.hash},`, // 5: the same device as line 2
        ]),
      );
      const validated = await cli(server.env, ['csv', 'validate', csv, '--json']);
      const expected = (JSON.parse(validated.stdout) as { diagnostics: { line: number; column: string | null; code: string; severity: string; message: string; hint: string }[] }).diagnostics;
      expect(expected.map((d) => [d.line, d.code, d.severity])).toEqual(
        expect.arrayContaining([
          [3, 'InvalidZtdHardwareHash', 'error'],
          [4, 'QuotedValue', 'warning'],
          [4, 'HashPaddingFixed', 'warning'],
          [5, 'ZtdDeviceDuplicated', 'error'],
        ]),
      );

      browser = await launchBrowser();
      const page = await newPage(browser);
      const posts = watchImports(page);
      await signIn(page, server.url, admin);
      await page.getByRole('link', { name: 'Import' }).click();
      await page.getByRole('heading', { name: 'Import Windows Autopilot devices' }).waitFor();
      await page.getByLabel('Autopilot CSV files to import').setInputFiles(csv);
      await page.getByRole('table', { name: 'Problems in damaged.csv' }).waitFor();

      // The same problems, at the same lines and columns, with the same words as the CLI.
      const problems = await tableRows(page, 'Problems in damaged.csv');
      expect(problems).toEqual(
        expected.map((d) => [String(d.line), d.column ?? '', d.severity, d.code === 'InvalidZtdHardwareHash' ? `802 - ${d.code}` : d.code, d.message, d.hint]),
      );
      // The rows that will be sent, with the make and model decoded from their hashes.
      expect(await tableRows(page, 'Devices to import from damaged.csv')).toEqual([
        ['2', a.serial, 'Lab', a.manufacturer, a.model],
        ['4', c.serial, '', c.manufacturer, c.model],
      ]);
      await page.getByText('Not importable as is: 4 rows, 2 devices, 2 errors').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      if (engine === 'sqlite') {
        await page.getByRole('region', { name: 'Problems in damaged.csv (scrollable)' }).scrollIntoViewIfNeeded();
        await screenshotBothThemes(page, 'import-preview');
      }

      // Download fixed CSV: byte for byte what `tarmac csv fix` writes.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download fixed CSV' }).click()]);
      expect(download.suggestedFilename()).toBe('damaged-fixed.csv');
      const fixedByCli = path.join(dir, 'fixed-by-cli.csv');
      const fixed = await cli(server.env, ['csv', 'fix', csv, '-o', fixedByCli]);
      expect(fixed.code).toBe(1); // rows were left out
      expect(readFileSync(await download.path())).toEqual(readFileSync(fixedByCli));
      await page.getByText('Line 3 left out: InvalidZtdHardwareHash').waitFor();
      await page.getByText('Line 5 left out: ZtdDeviceDuplicated').waitFor();

      // A pasted hash is checked the same way, as a one-row file (its device on line 2).
      await page.getByRole('button', { name: 'Remove damaged.csv' }).click();
      await page.getByLabel('Hardware hash', { exact: true }).fill(damagedHash(c.hash));
      await page.getByLabel('Serial number (optional)').fill(c.serial);
      await page.getByRole('button', { name: 'Check hash' }).click();
      await page.getByRole('table', { name: 'Problems in Pasted hash' }).waitFor();
      const pasted = await tableRows(page, 'Problems in Pasted hash');
      expect(pasted.map((r) => [r[0], r[3]])).toEqual([['2', '802 - InvalidZtdHardwareHash']]);
      await page.getByLabel('Hardware hash', { exact: true }).fill(c.hash);
      await page.getByRole('button', { name: 'Check hash' }).click();
      await page.getByRole('table', { name: 'Devices to import from Pasted hash' }).waitFor();
      expect(await tableRows(page, 'Devices to import from Pasted hash')).toEqual([['2', c.serial, '', c.manufacturer, c.model]]);

      // Nothing was sent.
      expect(posts).toEqual([]);
      expect(page.uncaught).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'imports a real CSV and a synthetic one line by line, shows 806 with its explanation when imported again, and lists the imports in History',
    { ...needsRealHashes, timeout: TIMEOUT },
    async () => {
      const real = await importableRealCsv();
      const name = path.basename(real.file);
      const [d1, d2, d3] = [9201, 9202, 9203].map((seed) => fakeDevice(seed));
      const lab = path.join(tempDir(), 'lab.csv');
      writeFileSync(lab, lines([H4, `${d1.serial},,${d1.hash},Lab`, `${d2.serial},,${damagedHash(d2.hash)},Lab`, `${d3.serial},,${d3.hash},Lab`]));
      const sent = real.rows + 2;
      const admin = await createTenantUser(server.env, { domain: `import-real-${engine}.onmicrosoft.com` });
      browser = await launchBrowser();
      const page = await newPage(browser);
      const posts = watchImports(page);
      await signIn(page, server.url, admin);
      await page.goto(`${server.url}/import`);
      await page.getByLabel('Autopilot CSV files to import').setInputFiles([real.file, lab]);
      await page.getByRole('table', { name: `Devices to import from ${name}` }).waitFor();
      await page.getByRole('table', { name: 'Devices to import from lab.csv' }).waitFor();
      expect(posts).toEqual([]);

      // First import: every sent line complete, each result at its file and line; the damaged row was not sent.
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByText(`Import finished: ${sent} imported, 0 failed, 1 not sent.`).waitFor({ timeout: 60_000 });
      const results = await tableRows(page, 'Result of each CSV line');
      expect(results.map((r) => r.slice(0, 5))).toEqual([
        ...real.serials.map((serial, i) => [name, String(i + 2), serial, 'Imported', '']),
        ['lab.csv', '2', d1.serial, 'Imported', ''],
        ['lab.csv', '3', d2.serial, 'Not sent (CSV error)', '802 - InvalidZtdHardwareHash'],
        ['lab.csv', '4', d3.serial, 'Imported', ''],
      ]);
      expect(posts).toHaveLength(2); // one request per file
      expect(await seriousViolations(page)).toEqual([]);

      // Again: the devices are already registered in this tenant.
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByText(`Import finished: 0 imported, ${sent} failed, 1 not sent.`).waitFor({ timeout: 60_000 });
      const again = (await tableRows(page, 'Result of each CSV line')).filter((r) => r[3] !== 'Not sent (CSV error)');
      expect(again).toHaveLength(sent);
      for (const row of again) {
        expect(row[3]).toBe('Failed');
        expect(row[4]).toBe('806 - ZtdDeviceAlreadyAssigned');
        expect(row[5]).toContain('already registered in your organization');
        expect(row[5]).toContain('What to do:');
      }
      expect(posts).toHaveLength(4);
      expect(await seriousViolations(page)).toEqual([]);
      if (engine === 'sqlite') {
        await page.getByRole('region', { name: 'Import results' }).scrollIntoViewIfNeeded();
        await screenshotBothThemes(page, 'import-results');
      }

      // History: one import per file and run, newest first, with their counts and times.
      await page.getByRole('tab', { name: 'History' }).click();
      await page.getByRole('table', { name: 'Imports' }).waitFor();
      const history = await tableRows(page, 'Imports');
      const counts = history.map((r) => r.slice(2));
      const n = String(real.rows);
      const err806 = (k: number) => (k > 1 ? `806 - ZtdDeviceAlreadyAssigned × ${k}` : '806 - ZtdDeviceAlreadyAssigned');
      expect(counts.slice(0, 2)).toEqual(expect.arrayContaining([[n, '0', n, '0', err806(real.rows)], ['2', '0', '2', '0', err806(2)]]));
      expect(counts.slice(2)).toEqual(expect.arrayContaining([[n, n, '0', '0', ''], ['2', '2', '0', '0', '']]));
      expect(counts).toHaveLength(4);
      for (const row of history) expect(row[0]).not.toBe('—');
      expect(await seriousViolations(page)).toEqual([]);
      if (engine === 'sqlite') await screenshotBothThemes(page, 'import-history');
      expect(page.uncaught).toEqual([]);
    },
  );
});
