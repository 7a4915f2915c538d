// The console's sign-in in Chromium against the real `tarmac serve`, on SQLite and PostgreSQL: the sign-in name
// finds the tenant, the organization's sign-in page takes the password, the console shows the organization; sign
// out; a session whose refresh is refused shows the "session expired" page; axe-core finds nothing serious.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import {
  HAVE_CHROMIUM,
  PAGE_TEST_ENGINES,
  createTenantUser,
  closeBrowser,
  launchBrowser,
  newPage,
  SCREENSHOTS,
  seriousViolations,
  signIn,
  startConsoleServer,
  type ConsoleServer,
} from '../support/console-browser.js';
import { removeTemps } from '../support/serve-process.js';

afterAll(removeTemps);
afterAll(closeBrowser);

describe.skipIf(!HAVE_CHROMIUM).each(PAGE_TEST_ENGINES)('console sign-in (%s)', (engine) => {
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

  it('signs a tenant admin in, shows the organization, and signs out', async () => {
    const admin = await createTenantUser(server.env, { domain: `signin-${engine}.onmicrosoft.com` });
    browser = await launchBrowser();
    const page = await newPage(browser);
    await signIn(page, server.url, admin);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // The organization's name, read from Graph with the user's token (the default name comes from the domain).
    await expect.poll(() => page.locator('header').innerText()).toMatch(new RegExp(`signin[- ]${engine}`, 'i'));
    expect(await seriousViolations(page)).toEqual([]);
    // Usable from 1024 px: nothing wider than the window.
    await page.setViewportSize({ width: 1024, height: 768 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1024);
    // The navigation works from the keyboard: Tab reaches its links, Enter follows one.
    await page.keyboard.press('Tab');
    for (let i = 0; i < 10 && (await page.evaluate<string>("document.activeElement?.textContent ?? ''")) !== 'Devices'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/devices`);
    await page.getByRole('heading', { name: 'Windows Autopilot devices' }).waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole('button', { name: /^Account:/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByText('You signed out.').waitFor();
    expect(await page.evaluate<string | null>("sessionStorage.getItem('tarmac.session')")).toBeNull();
    // The name is remembered for the next sign-in.
    expect(await page.getByLabel('Sign-in name').inputValue()).toBe(admin.upn);
    expect(await seriousViolations(page)).toEqual([]);
    expect(page.uncaught).toEqual([]);
  });

  it("signs in the demo tenant's administrator with the password `tarmac serve` printed on first start", async () => {
    const printed = /sign in as (\S+)\n\s+password\s+(\S+)/.exec(server.served.stdout());
    expect(printed, server.served.stdout()).not.toBeNull();
    browser = await launchBrowser();
    const page = await newPage(browser);
    await signIn(page, server.url, { upn: printed?.[1] ?? '', password: printed?.[2] ?? '' });
    await expect.poll(() => page.locator('header').innerText()).toContain('Tarmac Demo');
  });

  it('says which organization does not exist, before any password is asked', async () => {
    browser = await launchBrowser();
    const page = await newPage(browser);
    await page.goto(server.url);
    await page.getByLabel('Sign-in name').fill('someone@nowhere.onmicrosoft.com');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(/No organization signs in with 'nowhere\.onmicrosoft\.com' here/).waitFor();
    expect(page.url()).toBe(`${server.url}/`);
    expect(await seriousViolations(page)).toEqual([]);
    if (engine === 'sqlite') {
      // Before sign-in the theme follows the system's preference.
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'sign-in-light.png') });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.reload();
      await page.getByLabel('Sign-in name').waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'sign-in-dark.png') });
      expect(await seriousViolations(page)).toEqual([]);
    }
  });

  it('renews an expired access token with the refresh token (rotated) without asking the user again', async () => {
    const admin = await createTenantUser(server.env, { domain: `renew-${engine}.onmicrosoft.com` });
    browser = await launchBrowser();
    const page = await newPage(browser);
    await signIn(page, server.url, admin);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const before = await page.evaluate<{ refreshToken: string; token: string }>(`(() => {
      const s = JSON.parse(sessionStorage.getItem('tarmac.session'));
      const seen = { refreshToken: s.refreshToken, token: s.tokens.graph.token };
      s.tokens.graph.expiresAt = 0;
      sessionStorage.setItem('tarmac.session', JSON.stringify(s));
      return seen;
    })()`);
    const renewed = page.waitForResponse((r) => r.url().endsWith('/oauth2/v2.0/token') && r.request().method() === 'POST');
    await page.reload();
    expect((await renewed).status()).toBe(200);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect.poll(() => page.locator('header').innerText()).toMatch(new RegExp(`renew[- ]${engine}`, 'i'));
    const after = await page.evaluate<{ refreshToken: string; token: string }>(
      "(() => { const s = JSON.parse(sessionStorage.getItem('tarmac.session')); return { refreshToken: s.refreshToken, token: s.tokens.graph.token }; })()",
    );
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.token).not.toBe(before.token);
  });

  it('shows the session-expired page when the refresh token is refused, and signs in again', async () => {
    const admin = await createTenantUser(server.env, { domain: `expire-${engine}.onmicrosoft.com` });
    browser = await launchBrowser();
    const page = await newPage(browser);
    await signIn(page, server.url, admin);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // The access token has expired and the refresh token is no longer valid (revoked, or past its 24 hours).
    await page.evaluate(`(() => {
      const s = JSON.parse(sessionStorage.getItem('tarmac.session'));
      s.tokens.graph.expiresAt = 0;
      s.refreshToken = 'revoked-' + s.refreshToken;
      sessionStorage.setItem('tarmac.session', JSON.stringify(s));
    })()`);
    await page.goto(`${server.url}/devices`);
    await page.getByRole('heading', { name: 'Your session has expired' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForURL(/\/oauth2\/v2\.0\/authorize/);
    await page.locator('input[type=password]').fill(admin.password);
    await page.locator('form button[type=submit], form input[type=submit]').first().click();
    await page.waitForURL(`${server.url}/devices`);
  });
});
