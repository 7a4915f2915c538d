// The console's partner pages and Overview in Chromium against the real `tarmac serve`, on SQLite and PostgreSQL,
// with organisations made by the real CLI and data seeded through the real APIs:
//   - the customer's Overview shows the totals and the charts of its devices (imported through Graph);
//   - the customer's admin accepts a partner's invitation on Partner relationships and sees the relationship;
//   - the partner registers a batch through Partner Center with an app token; the partner's USER then signs in (a
//     fresh browser), sees Customers with the invitation link, the customer's batches, the batch's devices with
//     their status, and an upload's per-device status (a failure included) by its tracking id;
//   - the customer revokes, after which the partner's user no longer sees the customer;
//   - axe-core finds nothing serious on any of these pages; screenshots in both themes (SQLite pass).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  HAVE_CHROMIUM,
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
import { TEST_ENGINES } from '../support/test-databases.js';

afterAll(removeTemps);
afterAll(closeBrowser);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const PC_SCOPE = 'https://api.partnercenter.microsoft.com/.default';

async function appToken(url: string, tenant: string, clientId: string, secret: string, scope: string): Promise<string> {
  const res = await fetch(`${url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

function caller(url: string, bearer: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json; headers: Headers }> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined, headers: res.headers };
  };
}

async function until<T>(what: string, get: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await get();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not finish`);
}

async function json(env: Record<string, string>, args: string[]): Promise<Json> {
  const r = await cli(env, [...args, '--json']);
  if (r.code !== 0) throw new Error(`tarmac ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as Json;
}

/**
 * axe on the page once its animations have ended: a dialog fading in or a chart drawing itself has, for a moment,
 * text that is partly transparent, which axe would measure as low contrast. (Endless ones, a spinner's, never end.)
 */
async function axeWhenSettled(page: Page) {
  // Polled with evaluate (the DevTools protocol): waitForFunction would eval in the page, which the console's CSP refuses.
  const settled = "document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)";
  await expect.poll(() => page.evaluate<boolean>(settled), { timeout: 10_000 }).toBe(true);
  return seriousViolations(page);
}

/** A table row (role row) holding every one of `texts`. */
function row(page: Page, ...texts: (string | RegExp)[]) {
  let rows = page.getByRole('row');
  for (const t of texts) rows = rows.filter({ hasText: t });
  return rows;
}

// Both engines: a partner user's view of a batch is step 8 of issue 10's done-when.
describe.skipIf(!HAVE_CHROMIUM).each(TEST_ENGINES)('console partners and overview (%s)', (engine) => {
  let server: ConsoleServer;
  const browsers: BrowserContext[] = [];
  beforeAll(async () => {
    server = await startConsoleServer(engine);
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    for (const b of browsers.splice(0)) await b.close();
  });

  it('overview charts, accepting an invitation, the partner user’s customers, batches and device status, revocation', { timeout: 180_000 }, async () => {
    const url = server.url;
    const env = server.env;
    const customerDomain = `pco-customer-${engine}.onmicrosoft.com`;
    const partnerDomain = `pco-csp-${engine}.onmicrosoft.com`;

    // The customer and its admin; an app of the customer's to seed devices through Graph.
    const admin = await createTenantUser(env, { domain: customerDomain });
    const customerApp = await json(env, ['app', 'create', '--tenant', customerDomain]);
    const customerGraph = caller(url, await getToken(url, admin.tenantId, customerApp.clientId, customerApp.clientSecret));
    const seeded: { vendor: 'HP' | 'Dell' | 'Lenovo'; serial: string }[] = [
      { vendor: 'HP', serial: `PCO-HP-1-${engine}` },
      { vendor: 'HP', serial: `PCO-HP-2-${engine}` },
      { vendor: 'Dell', serial: `PCO-DELL-1-${engine}` },
    ];
    const hashes = seeded.map((d, i) => labHash(7100 + i + (engine === 'postgres' ? 50 : 0), d.serial, { vendor: d.vendor }));
    for (const hash of hashes) {
      const created = await customerGraph('POST', '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities', { hardwareIdentifier: hash });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const done = await until(
        'import',
        () => customerGraph('GET', `/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/${created.body.id}`),
        (r) => ['complete', 'error'].includes(r.body.state.deviceImportStatus),
      );
      expect(done.body.state.deviceImportStatus, JSON.stringify(done.body.state)).toBe('complete');
    }
    const manufacturers = (await customerGraph('GET', '/beta/deviceManagement/windowsAutopilotDeviceIdentities?$select=manufacturer,model')).body.value as {
      manufacturer: string;
      model: string;
    }[];
    expect(manufacturers).toHaveLength(3);

    // The partner: its tenant with app credentials (for Partner Center app-only calls) and a Global Administrator.
    const partner = await json(env, ['partner', 'create', '--domain', partnerDomain, '--name', `Contoso CSP ${engine}`]);
    const partnerUser = { upn: `agent@${partnerDomain}`, password: 'Console-test-1!' };
    const madeUser = await cli(env, ['user', 'create', '--tenant', partnerDomain, '--upn', partnerUser.upn, '--name', 'Pat Partner', '--role', 'Global Administrator', '--password', partnerUser.password]);
    expect(madeUser.code, madeUser.stderr).toBe(0);
    const invite = await json(env, ['partner', 'invite', '--partner', partnerDomain]);
    expect(invite.url).toContain('invType=ResellerRelationship');

    // 1. The customer's admin: the Overview with its totals and charts.
    const customerBrowser = await launchBrowser();
    browsers.push(customerBrowser);
    const page = await newPage(customerBrowser);
    await signIn(page, url, admin);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByLabel('Windows Autopilot devices: 3').waitFor();
    await page.getByLabel('Deployment profiles: 0').waitFor();
    for (const title of ['Enrollment state', 'Profile status', 'Devices by manufacturer', 'Devices by model', 'Devices registered per day', 'Import results']) {
      await page.getByRole('region', { name: title, exact: true }).waitFor();
    }
    // The charts have drawn (SVG), and their numbers are in each chart's table.
    await expect.poll(() => page.locator('main svg').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(6);
    expect(await axeWhenSettled(page)).toEqual([]);
    if (engine === 'sqlite') await screenshotBothThemes(page, 'overview');
    const numbers = async (title: string) => {
      const region = page.getByRole('region', { name: title, exact: true });
      await region.getByText('Show the numbers').click();
      const table = region.getByRole('table', { name: title });
      return (await table.locator('tbody tr').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    };
    expect(await numbers('Enrollment state')).toContain('Not contacted 3');
    expect(await numbers('Profile status')).toContain('Not assigned 3');
    const byMaker = new Map<string, number>();
    for (const d of manufacturers) byMaker.set(d.manufacturer, (byMaker.get(d.manufacturer) ?? 0) + 1);
    expect((await numbers('Devices by manufacturer')).sort()).toEqual([...byMaker.entries()].map(([m, n]) => `${m} ${n}`).sort());
    expect(await numbers('Import results')).toEqual(['Registered 3']);
    const models = await numbers('Devices by model');
    for (const d of manufacturers) expect(models.some((m) => m.includes(d.model)), d.model).toBe(true);
    expect(models.reduce((n, r) => n + Number(r.split(' ').pop()), 0)).toBe(3);
    const perDay = await numbers('Devices registered per day');
    expect(perDay).toHaveLength(14);
    expect(perDay.reduce((n, r) => n + Number(r.split(' ').pop()), 0)).toBe(3);
    expect(await axeWhenSettled(page)).toEqual([]);

    // 2. Partner relationships: paste the invitation link, accept, see the partner.
    await page.getByRole('link', { name: 'Partner relationships' }).click();
    await page.getByRole('heading', { name: 'Partner relationships' }).waitFor();
    await page.getByText('Your organization has no partner or OEM relationships.').waitFor();
    await page.getByLabel('Invitation link or code').fill('not an invitation');
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByText(/The invitation was not accepted \(400 /).waitFor();
    await page.getByLabel('Invitation link or code').fill(invite.url);
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByText(`You accepted Contoso CSP ${engine} (${partnerDomain}) as a reseller (CSP).`).waitFor();
    await row(page, `Contoso CSP ${engine}`, partnerDomain, 'Reseller (CSP)').waitFor();
    expect(await axeWhenSettled(page)).toEqual([]);
    if (engine === 'sqlite') await screenshotBothThemes(page, 'partners');

    // 3. The partner registers a batch for the customer through Partner Center with an app token: two devices by
    // their tuples, and one of the customer's own devices by its hash (806: already the customer's).
    const pc = caller(url, await appToken(url, partner.tenantId, partner.clientId, partner.clientSecret, PC_SCOPE));
    const base = `/v1/customers/${admin.tenantId}`;
    const tuples = [1, 2].map((n) => ({ serialNumber: `PCO-TUPLE-${n}-${engine}`, oemManufacturerName: 'Contoso Devices', modelName: 'Surface-like 9' }));
    const created = await pc('POST', `${base}/deviceBatches`, { batchId: 'Wave 1', devices: [...tuples, { hardwareHash: hashes[0] }] });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const location = created.headers.get('location') ?? '';
    const status = await until('batch', () => pc('GET', `/v1${location}`), (r) => r.body.status === 'finished');
    expect((status.body.devicesStatus as Json[]).map((d) => d.status)).toEqual(['finished', 'finished', 'finished_with_errors']);
    const trackingId = location.split('/').pop() ?? '';
    // A hundred more, so that the batch's devices take two pages (100 a page, the next by MS-ContinuationToken).
    const more = Array.from({ length: 100 }, (_v, n) => ({ serialNumber: `PCO-MORE-${n}-${engine}`, oemManufacturerName: 'Contoso Devices', modelName: 'Surface-like 9' }));
    const added = await pc('POST', `${base}/deviceBatches/${encodeURIComponent('Wave 1')}/devices`, more);
    expect(added.status, JSON.stringify(added.body)).toBe(202);
    const addedStatus = await until('second upload', () => pc('GET', `/v1${added.headers.get('location') ?? ''}`), (r) => r.body.status === 'finished');
    expect((addedStatus.body.devicesStatus as Json[]).every((d) => d.status === 'finished')).toBe(true);

    // 4. The partner's user, in a fresh browser: Customers (with the invitation link), the batches, the batch.
    const partnerBrowser = await launchBrowser();
    browsers.push(partnerBrowser);
    const pp = await newPage(partnerBrowser);
    await signIn(pp, url, partnerUser);
    await pp.getByRole('heading', { name: 'Overview' }).waitFor();
    await pp.getByLabel('Customers: 1').waitFor();
    await pp.getByLabel('Device batches: 1').waitFor();
    await pp.getByLabel('Devices registered in batches: 102').waitFor();
    expect(await pp.getByRole('link', { name: 'Partner relationships' }).count()).toBe(0);
    await pp.getByRole('navigation', { name: 'Navigation' }).getByRole('link', { name: 'Customers' }).click();
    await pp.getByRole('heading', { name: 'Customers', exact: true }).waitFor();
    // Partner Center's link is on the server's own address (the CLI's on its configured base URL), the same query.
    await pp.getByLabel('Invitation link').waitFor();
    await partnerBrowser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    await pp.getByRole('button', { name: 'Copy link' }).click();
    await pp.getByText('Copied to the clipboard.').waitFor();
    expect(await pp.evaluate<string>('navigator.clipboard.readText()')).toBe(await pp.getByLabel('Invitation link').inputValue());
    await expect.poll(() => pp.getByLabel('Invitation link').inputValue()).toBe(`${url}/partner-invitation${new URL(invite.url as string).search}`);
    const customerName = (await customerGraph('GET', '/v1.0/organization')).body.value[0].displayName as string;
    await row(pp, customerName, customerDomain, 'Reseller').waitFor();
    expect(await axeWhenSettled(pp)).toEqual([]);
    if (engine === 'sqlite') await screenshotBothThemes(pp, 'partner-customers');

    await pp.getByRole('link', { name: customerName }).click();
    await pp.getByRole('heading', { name: 'Device batches' }).first().waitFor();
    await row(pp, 'Wave 1', partnerDomain).waitFor();
    expect(await row(pp, 'Wave 1').locator('td').nth(1).innerText()).toBe('102');
    expect(await axeWhenSettled(pp)).toEqual([]);

    await pp.getByRole('link', { name: 'Wave 1' }).click();
    await pp.getByRole('heading', { name: 'Device batch' }).waitFor();
    const devices = pp.getByRole('table', { name: 'Devices of the batch' });
    await devices.waitFor();
    await pp.getByText('100 of 102 devices shown.').waitFor();
    expect(await devices.locator('tbody tr').count()).toBe(100);
    await pp.getByRole('button', { name: 'Load 100 more' }).click();
    await pp.getByText('102 of 102 devices shown.').waitFor();
    expect(await pp.getByRole('button', { name: 'Load 100 more' }).count()).toBe(0);
    for (const t of [...tuples, ...more.slice(0, 3)]) await row(pp, t.serialNumber, 'Contoso Devices', 'Surface-like 9', 'Registered').waitFor();
    expect(await devices.locator('tbody tr').count()).toBe(102);
    // The upload's per-device status by its tracking id (the Location header as a client logs it).
    await pp.getByLabel('Tracking ID or Location').fill('not-a-tracking-id');
    await pp.getByRole('button', { name: 'Check status' }).click();
    await pp.getByText('Give the tracking id (a GUID)').waitFor();
    await pp.getByLabel('Tracking ID or Location').fill(location);
    await pp.getByRole('button', { name: 'Check status' }).click();
    const upload = pp.getByRole('table', { name: 'Upload status per device' });
    await upload.waitFor();
    await pp.getByText(`Upload ${trackingId}: finished`).waitFor();
    const uploadRows = (await upload.locator('tbody tr').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(uploadRows).toHaveLength(3);
    expect(uploadRows[0]).toContain(`${tuples[0]?.serialNumber} Registered`);
    expect(uploadRows[2]).toContain('Failed 806 ZtdDeviceAlreadyAssigned');
    expect(await axeWhenSettled(pp)).toEqual([]);
    if (engine === 'sqlite') await screenshotBothThemes(pp, 'partner-batch');

    // 5. The customer revokes, with a confirmation; the partner's user no longer sees the customer.
    await page.getByRole('button', { name: `Revoke Contoso CSP ${engine}` }).click();
    const dialog = page.getByRole('alertdialog', { name: `Revoke Contoso CSP ${engine}?` });
    await dialog.waitFor();
    expect(await axeWhenSettled(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText(`You revoked Contoso CSP ${engine} (${partnerDomain}).`).waitFor();
    await page.getByText('Your organization has no partner or OEM relationships.').waitFor();
    expect((await pc('GET', `${base}/deviceBatches`)).status).toBe(403);

    await pp.getByRole('link', { name: 'Customers' }).first().click();
    await pp.getByText('No customer has accepted your invitation yet.').waitFor();
    expect(page.uncaught).toEqual([]);
    expect(pp.uncaught).toEqual([]);
  });
});
