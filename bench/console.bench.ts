// The web console at scale, in Chromium through the DevTools protocol (playwright-core on Debian's /usr/bin/chromium):
// the real `tarmac serve` (built dist/ and dist/web: `npm run build` first) on a SQLite database holding N Autopilot
// devices of one tenant (BENCH_CONSOLE_DEVICES, default 10000,100000; bulk-loaded like the query bench), signed in
// as the tenant's administrator through the console's own sign-in. Per size, ROUNDS times:
// - first rows: a navigation to /devices until the grid shows device rows (ms since the navigation started,
//   the page's own performance.now());
// - filter round trip: typing part of a serial number into "Search by serial number" until every row shown matches;
// - the same with CONCURRENT pages at once (other console users loading the grid at the same moment).
// Baseline in the same run: the Graph calls the grid makes, sent from Node with the same token (the API's own
// latency; the difference is the console's cost). Also the initial JavaScript: the scripts the browser downloads for
// that first navigation, as sent (the server sends the pre-compressed files) and uncompressed.
// Targets (issue 10): first rows < 1 s, filter < 300 ms on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createTenant, createUser } from '../src/tenants/index.js';
import { createTenantsStore, migrateToLatest, openDatabase, SQLITE_FILE_NAME } from '../src/store/index.js';
import { childEnv, startChild } from './child-process.js';
import { fmt, median, recordResult, repoRoot, sizeList } from './lib.js';
import { bulkLoadSqlite, syntheticDevices } from './seed-devices.js';

const SIZES = sizeList(process.env.BENCH_CONSOLE_DEVICES ?? '10000,100000');
const ROUNDS = Number(process.env.BENCH_CONSOLE_ROUNDS ?? 7);
const CONCURRENT = Number(process.env.BENCH_CONSOLE_CONCURRENT ?? 4);
const CHROMIUM = process.env.TARMAC_CHROMIUM ?? '/usr/bin/chromium';
const DOMAIN = 'bench.onmicrosoft.com';
const UPN = `admin@${DOMAIN}`;
const PASSWORD = 'Bench-console-1!';

/** The grid's device rows (the header row excluded) and the search box, as the Devices page renders them. */
const ROW = '[role="grid"] [role="row"][aria-rowindex]:not([aria-rowindex="1"])';
const SEARCH_LABEL = 'Search by serial number';

interface Stats {
  medianMs: number;
  minMs: number;
  maxMs: number;
  samples: number[];
}
const stats = (samples: number[]): Stats => ({ medianMs: median(samples), minMs: Math.min(...samples), maxMs: Math.max(...samples), samples });

async function seed(size: number): Promise<{ dir: string; serials: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tarmac-bench-console-'));
  const db = await openDatabase({ dataDir: dir });
  let tenantId: string;
  try {
    await migrateToLatest(db);
    const store = createTenantsStore(db);
    tenantId = (await createTenant(store, { domain: DOMAIN, displayName: 'Bench' })).tenant.id;
    await createUser(store, { tenant: tenantId, userPrincipalName: UPN, roles: ['Global Administrator'], password: PASSWORD });
  } finally {
    await db.destroy();
  }
  const started = performance.now();
  const raw = new SqliteDatabase(path.join(dir, SQLITE_FILE_NAME));
  raw.pragma('journal_mode = WAL');
  raw.pragma('cache_size = -524288');
  const serials: string[] = [];
  bulkLoadSqlite(
    raw,
    (function* () {
      for (const d of syntheticDevices(size, () => tenantId)) {
        if (serials.length < 1000) serials.push(d.serial_number);
        yield d;
      }
    })(),
  );
  raw.close();
  console.log(`  seeded ${fmt(size)} devices in ${fmt((performance.now() - started) / 1000, 1)} s`);
  return { dir, serials };
}

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Sign-in name').fill(UPN);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize/);
  await page.locator('input[type=password]').fill(PASSWORD);
  await page.locator('form button[type=submit], form input[type=submit]').first().click();
  await page.waitForURL((u) => !u.pathname.includes('/oauth2/'));
  await page.getByText('Tarmac admin center').first().waitFor();
}

/** ms from navigation start until the first device rows are in the grid. */
async function firstRows(page: Page, url: string): Promise<number> {
  await page.goto(`${url}/devices`, { waitUntil: 'commit' });
  await page.locator(ROW).first().waitFor({ timeout: 30_000 });
  return page.evaluate<number>('performance.now()');
}

/** ms from typing the filter until every row shown contains it. */
async function filterRoundTrip(page: Page, fragment: string): Promise<number> {
  const box = page.getByLabel(SEARCH_LABEL);
  await box.fill('');
  await page.locator(ROW).first().waitFor();
  const started = performance.now();
  await box.fill(fragment);
  // Polled through the DevTools protocol: the console's CSP (no 'unsafe-eval') refuses waitForFunction's compiled
  // predicate. A poll costs about a millisecond, which the measurement includes. (A string: no DOM types here.)
  const done = `(() => { const rows = [...document.querySelectorAll(${JSON.stringify(ROW)})];
    return rows.length > 0 && rows.every((r) => (r.textContent || '').toLowerCase().includes(${JSON.stringify(fragment.toLowerCase())})); })()`;
  const deadline = started + 30_000;
  while (!(await page.evaluate<boolean>(done))) {
    if (performance.now() > deadline) throw new Error(`the grid never showed only rows matching '${fragment}'`);
  }
  return performance.now() - started;
}

/** The Graph calls behind the grid, from Node with the console's token: first page, and a filtered first page. */
async function apiBaseline(url: string, token: string, fragment: string): Promise<{ firstPageMs: number; filterMs: number }> {
  const get = async (query: string): Promise<number> => {
    const t0 = performance.now();
    const res = await fetch(`${url}/beta/deviceManagement/windowsAutopilotDeviceIdentities?${query}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`baseline query failed: ${res.status}`);
    return performance.now() - t0;
  };
  const select = '$select=id,serialNumber,manufacturer,model,groupTag,deploymentProfileAssignmentStatus,purchaseOrderIdentifier,enrollmentState,lastContactedDateTime';
  return {
    firstPageMs: await get(`${select}&$top=200&$count=true`),
    filterMs: await get(`${select}&$top=200&$count=true&$filter=${encodeURIComponent(`contains(serialNumber,'${fragment}')`)}`),
  };
}

async function measureSize(context: BrowserContext, size: number) {
  const { dir, serials } = await seed(size);
  const server = await startChild([path.join(repoRoot, 'bin/tarmac.js'), 'serve', '--port', '0', '--workers', '1'], childEnv({ TARMAC_DATA_DIR: dir, TARMAC_GRAPH_RATE_LIMIT: '0' }), /Press Ctrl\+C/);
  try {
    const page = await context.newPage();
    await signIn(page, server.url);
    // The initial JavaScript of a first visit to /devices: every script response of one navigation with a cold cache.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.clearBrowserCache');
    const scripts = new Map<string, number>();
    const types = new Map<string, string>();
    cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
    cdp.on('Network.loadingFinished', (e) => {
      if (types.get(e.requestId) === 'Script') scripts.set(e.requestId, e.encodedDataLength);
    });
    const decodedSizes = new Map<string, number>();
    cdp.on('Network.dataReceived', (e) => decodedSizes.set(e.requestId, (decodedSizes.get(e.requestId) ?? 0) + e.dataLength));
    await firstRows(page, server.url);
    await page.waitForLoadState('networkidle');
    const js = [...scripts.entries()].map(([id, transferred]) => ({ transferred, decoded: decodedSizes.get(id) ?? 0 }));
    const initialJs = { files: js.length, transferredBytes: js.reduce((a, s) => a + s.transferred, 0), decodedBytes: js.reduce((a, s) => a + s.decoded, 0) };
    await cdp.detach();

    const token = await page.evaluate<string>("JSON.parse(sessionStorage.getItem('tarmac.session')).tokens.graph.token");
    const first: number[] = [];
    const filter: number[] = [];
    const baseFirst: number[] = [];
    const baseFilter: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const fragment = (serials[(round * 37) % serials.length] ?? 'ABC').slice(2, 7);
      first.push(await firstRows(page, server.url));
      filter.push(await filterRoundTrip(page, fragment));
      const b = await apiBaseline(server.url, token, fragment);
      baseFirst.push(b.firstPageMs);
      baseFilter.push(b.filterMs);
    }
    // CONCURRENT console users opening the grid at the same moment (each its own tab; the session, which lives in a
    // tab's sessionStorage, copied into each before the console starts).
    const session = await page.evaluate<string>("sessionStorage.getItem('tarmac.session')");
    const pages = await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        const p = await context.newPage();
        await p.addInitScript(`sessionStorage.setItem('tarmac.session', ${JSON.stringify(session)})`);
        return p;
      }),
    );
    const concurrent: number[] = [];
    for (let round = 0; round < Math.max(2, Math.floor(ROUNDS / 2)); round++) {
      concurrent.push(...(await Promise.all(pages.map((p) => firstRows(p, server.url)))));
    }
    for (const p of [...pages, page]) await p.close();
    return {
      devices: size,
      firstRows: stats(first),
      filterRoundTrip: stats(filter),
      firstRowsConcurrent: { pages: CONCURRENT, ...stats(concurrent) },
      baseline: { graphFirstPage: stats(baseFirst), graphFilteredPage: stats(baseFilter) },
      initialJs,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const profile = mkdtempSync(path.join(tmpdir(), 'tarmac-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const results = [];
  try {
    for (const size of SIZES) {
      console.log(`${fmt(size)} devices`);
      const r = await measureSize(context, size);
      results.push(r);
      console.log(
        `  first rows ${fmt(r.firstRows.medianMs)} ms (Graph page alone ${fmt(r.baseline.graphFirstPage.medianMs, 1)} ms); ` +
          `filter ${fmt(r.filterRoundTrip.medianMs)} ms (Graph ${fmt(r.baseline.graphFilteredPage.medianMs, 1)} ms); ` +
          `${r.firstRowsConcurrent.pages} at once: first rows ${fmt(r.firstRowsConcurrent.medianMs)} ms median, ${fmt(r.firstRowsConcurrent.maxMs)} ms max; ` +
          `initial JS ${r.initialJs.files} files, ${fmt(r.initialJs.transferredBytes / 1024, 1)} KiB sent, ${fmt(r.initialJs.decodedBytes / 1024, 1)} KiB uncompressed`,
      );
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  const file = recordResult('console', { rounds: ROUNDS, targets: { firstRowsMs: 1000, filterMs: 300 }, results });
  console.log(`  → ${path.relative(repoRoot, file)}`);
}
