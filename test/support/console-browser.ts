// The web console in a real browser: Debian's Chromium (/usr/bin/chromium, or TARMAC_CHROMIUM) driven by
// playwright-core — never a browser Playwright downloads — against the real `tarmac serve` (dist/, dist/web) on
// SQLite or PostgreSQL. Helpers: a server with a tenant and its admin, signing in through the console, axe-core's
// check, and screenshots under test-results/console/ (light and dark).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createPostgresScratch, type PostgresScratch } from './test-databases.js';
import { ROOT, cli, killAll, serve, tempDir, type Served } from './serve-process.js';

export const CHROMIUM = process.env.TARMAC_CHROMIUM ?? '/usr/bin/chromium';
/**
 * Whether the browser tests run here: with Chromium (under CI=true they must: .ci/run installs it), unless
 * TARMAC_BROWSER_TESTS=skip — .ci/run's second pass (Node 24) sets it: these tests exercise the browser app, which
 * no Node runs, and the server they drive is the code the other tests cover on both Nodes.
 */
export const HAVE_CHROMIUM = process.env.TARMAC_BROWSER_TESTS !== 'skip' && (existsSync(CHROMIUM) || process.env.CI === 'true');
/**
 * The engines a page's own browser test runs on: SQLite. The done-when scenario (console-scenario.test.ts) and the
 * partner user's view (console-partners-overview.test.ts) run on both; what the pages call is tested on both engines
 * without a browser.
 */
export const PAGE_TEST_ENGINES: ('sqlite' | 'postgres')[] = ['sqlite'];
export const SCREENSHOTS = join(ROOT, 'test-results/console');

export interface ConsoleServer {
  served: Served;
  url: string;
  /** Settings for `cli` calls against the same database. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** `tarmac serve` on a fresh SQLite directory or PostgreSQL scratch database. */
export async function startConsoleServer(engine: 'sqlite' | 'postgres', extraEnv: Record<string, string> = {}): Promise<ConsoleServer> {
  const dir = tempDir();
  const scratch: PostgresScratch | undefined = engine === 'postgres' ? await createPostgresScratch() : undefined;
  const env: Record<string, string> = { TARMAC_DATA_DIR: join(dir, 'data'), ...(scratch ? { TARMAC_DATABASE_URL: scratch.url } : {}), ...extraEnv };
  const served = await serve(env);
  return {
    served,
    url: served.url,
    env,
    async stop() {
      await killAll();
      await scratch?.drop();
    },
  };
}

export interface TenantAdmin {
  tenantId: string;
  domain: string;
  upn: string;
  password: string;
}

/** A tenant (customer, or `kind` partner/oem) with one user holding `role`, made with the CLI. */
export async function createTenantUser(
  env: Record<string, string>,
  options: { domain: string; kind?: 'customer' | 'partner' | 'oem'; user?: string; role?: string },
): Promise<TenantAdmin> {
  const kind = options.kind ?? 'customer';
  const create = kind === 'customer' ? ['tenant', 'create'] : [kind, 'create'];
  const tenant = await cli(env, [...create, '--domain', options.domain, '--json']);
  if (tenant.code !== 0) throw new Error(`tenant create failed: ${tenant.stderr}`);
  const tenantId = (JSON.parse(tenant.stdout) as { tenantId: string }).tenantId;
  const upn = `${options.user ?? 'admin'}@${options.domain}`;
  const password = 'Console-test-1!';
  const user = await cli(env, ['user', 'create', '--tenant', options.domain, '--upn', upn, '--name', 'Ada Admin', '--role', options.role ?? 'Global Administrator', '--password', password]);
  if (user.code !== 0) throw new Error(`user create failed: ${user.stderr}`);
  return { tenantId, domain: options.domain, upn, password };
}

let chromiumProcess: Promise<Browser> | undefined;

/**
 * A fresh browser context — its own cookies, storage and cache, like a new profile — in this test file's Chromium.
 * Chromium starts once per file, and the file ends it (closeBrowser): starting it cost a few seconds of both cores
 * each time, for each of the 15 contexts the browser tests open. Close the context when done.
 */
export async function launchBrowser(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<BrowserContext> {
  chromiumProcess ??= chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const browser = await chromiumProcess;
  if (!browser.isConnected()) {
    chromiumProcess = undefined;
    return launchBrowser(options);
  }
  return browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: options.colorScheme ?? 'light', acceptDownloads: true });
}

/**
 * Ends this file's Chromium: afterAll(closeBrowser) in each browser test file. Closed, Playwright removes the profile
 * and artifacts directories it made in /tmp for it; left to the end of the test process (which vitest's workers share
 * between files, and may kill), they stayed behind.
 */
export async function closeBrowser(): Promise<void> {
  const started = chromiumProcess;
  chromiumProcess = undefined;
  const browser = await started?.catch(() => undefined);
  await browser?.close();
}

/** A page that fails the test on any uncaught page error (collected, see `uncaught`). */
export async function newPage(context: BrowserContext): Promise<Page & { uncaught: string[] }> {
  const page = (context.pages()[0] ?? (await context.newPage())) as Page & { uncaught: string[] };
  page.uncaught = [];
  page.on('pageerror', (e) => page.uncaught.push(e.message));
  return page;
}

/** Signs in through the console: the sign-in name, then the organization's sign-in page, back to the console. */
export async function signIn(page: Page, url: string, user: { upn: string; password: string }): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Sign-in name').fill(user.upn);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize/);
  await page.locator('input[type=password]').fill(user.password);
  await page.locator('form button[type=submit], form input[type=submit]').first().click();
  await page.waitForURL((u) => !u.pathname.includes('/oauth2/'));
  await page.getByText('Tarmac admin center').first().waitFor();
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core (WCAG 2.x A/AA rules) on the page as it is now: the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // (Expressions as strings: this file is compiled without the DOM's types.)
  // Once the page's animations have ended: a dialog fading in or a chart drawing itself has, for a moment, partly
  // transparent text, which axe would measure as low contrast. (Endless ones, a spinner's, never end.)
  const settled = "document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)";
  for (let waited = 0; waited < 10_000 && !(await page.evaluate<boolean>(settled)); waited += 50) await page.waitForTimeout(50);
  // Evaluated through the DevTools protocol: the console's CSP (script-src 'self') rightly refuses an inline script.
  if (!(await page.evaluate<boolean>("'axe' in window"))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; html: string }[] }[] }>(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })",
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !(v.id === 'aria-hidden-focus' && isTabsterDummy(n.html))) }))
    .filter((v) => v.nodes.length > 0)
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/**
 * Fluent v9's focus management (Tabster) puts `<i tabindex="0" aria-hidden="true" data-tabster-dummy>` at the edges
 * of arrow-key groups (toolbars, tab lists, charts' legends) to catch Tab and move focus on at once: focusable on
 * purpose and hidden so that screen readers skip them. axe's aria-hidden-focus flags them; Fluent and Accessibility
 * Insights treat it as a known false positive (microsoft/tabster#288, accessibility-insights-web#7605). Only those
 * elements are excused: any other aria-hidden focusable element still fails.
 */
function isTabsterDummy(html: string): boolean {
  return /^<i\b[^>]*\bdata-tabster-dummy\b/.test(html);
}

/** Screenshots of the page in the light and the dark theme: test-results/console/<name>-light.png, -dark.png. */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const original = await page.evaluate<string | null>("localStorage.getItem('tarmac.theme')");
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    // Away from the theme button, whose tooltip would be in the picture.
    await page.mouse.move(1, 1);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${theme}.png`) });
  }
  await setTheme(page, original === 'dark' ? 'dark' : 'light');
}

/** Switches the console's theme as the header's button does (without reloading). */
export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const toggle = page.getByRole('button', { name: /Switch to the (light|dark) theme/ });
  const label = (await toggle.getAttribute('aria-label')) ?? (await toggle.textContent()) ?? '';
  const isDark = /light theme/.test(label) || (await page.evaluate<string | null>("localStorage.getItem('tarmac.theme')")) === 'dark';
  if ((theme === 'dark') !== isDark) {
    await toggle.click();
    await page.waitForFunction(`localStorage.getItem('tarmac.theme') === '${theme}'`);
  }
}

if (process.env.TARMAC_BROWSER_TESTS === 'skip') {
  console.warn('TARMAC_BROWSER_TESTS=skip: the web console\'s browser tests skip.');
} else if (!HAVE_CHROMIUM) {
  console.warn(`Chromium not found at ${CHROMIUM}: the web console's browser tests skip (apt-get install chromium; .ci/run installs it, and CI=true requires it).`);
}
