// OOBE profile lookups against the real `tarmac serve` (a child process on 127.0.0.1, SQLite in a temp directory):
// OOBE_DEVICES synthetic devices (default 2,000) imported through Graph, one deployment profile assigned to all
// devices, then `POST /oobe/v1/profile {hardwareHash}`:
//   first pass  every device once (its first download also writes assignedInSync), OOBE_CONCURRENCY in flight;
//   steady      random registered devices for OOBE_SECONDS (default 15), OOBE_CONCURRENCY (default 8) in flight.
// Prints one JSON line. The server runs with use-driver.ts, so BENCH_SQLITE_DRIVER picks the SQLite driver under test.
// Run it on Node 24: `node --import tsx bench/sqlite-drivers/oobe-lookup.ts`. Stops by itself; loopback only.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deviceIdentity, encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import { registryKeys } from '../../src/registry/index.js';
import { percentile, repoRoot } from '../lib.js';

const DEVICES = Number(process.env.OOBE_DEVICES ?? 2000);
const SECONDS = Number(process.env.OOBE_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.OOBE_CONCURRENCY ?? 8);
const PER_REQUEST = 500;
const REQUEST_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 10 * 60_000;

/** Base64 hashes of DEVICES synthetic devices whose identity keys are pairwise distinct (so every import registers). */
function hashes(count: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let seed = 1; out.length < count; seed++) {
    const inv = syntheticInventory(seed);
    const keys = registryKeys(deviceIdentity(inv), inv.system.serialNumber ?? '').map((k) => `${k.kind}:${k.value}`);
    if (keys.length === 0 || keys.some((k) => seen.has(k))) continue;
    for (const k of keys) seen.add(k);
    out.push(encodeHardwareHash(inv).base64);
  }
  return out;
}

async function serve(dataDir: string): Promise<{ url: string; stdout: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', path.join(repoRoot, 'bench/sqlite-drivers/use-driver.ts'), path.join(repoRoot, 'bin/tarmac.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--workers', '1'],
    {
      cwd: repoRoot,
      env: { ...process.env, TARMAC_DATA_DIR: dataDir, TARMAC_OOBE_RATE_LIMIT: '0', TARMAC_GRAPH_RATE_LIMIT: '0', TARMAC_LOG_LEVEL: 'warn', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stdout}\n${stderr}`)), 60_000);
    child.stdout.on('data', () => stdout.includes('Press Ctrl+C to stop.') && (clearTimeout(timer), resolve()));
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`serve exited with ${code}:\n${stdout}\n${stderr}`))));
  });
  const url = /is listening on (\S+)/.exec(stdout)?.[1];
  if (!url) throw new Error(`no URL in:\n${stdout}`);
  return {
    url,
    stdout,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      const unexpected = stderr.split('\n').filter((l) => l.trim() && !l.startsWith('SIGTERM: stopping'));
      if (unexpected.length > 0) console.error(`server stderr:\n${unexpected.join('\n')}`);
    },
  };
}

function demoField(stdout: string, label: string): string {
  const value = new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(stdout)?.[1];
  if (!value) throw new Error(`no ${label} in:\n${stdout}`);
  return value;
}

async function call(url: string, init: RequestInit & { json?: unknown; token?: string }): Promise<{ status: number; body: unknown; text: string }> {
  const headers: Record<string, string> = {};
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...headers, ...(init.headers as Record<string, string> | undefined) },
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, text, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
}

/** `lanes` concurrent loops calling `next()` for a device index until it returns undefined; latencies in ms. */
async function drive(base: string, all: string[], lanes: number, next: () => number | undefined): Promise<number[]> {
  const latencies: number[] = [];
  const lane = async (): Promise<void> => {
    for (let i = next(); i !== undefined; i = next()) {
      const t0 = performance.now();
      const r = await call(`${base}/oobe/v1/profile`, { method: 'POST', json: { hardwareHash: all[i] } });
      latencies.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(`profile for device ${i}: ${r.status} ${r.text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return latencies;
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'tarmac-bench-oobe-'));
const all = hashes(DEVICES);
const server = await serve(dataDir);
try {
  const base = server.url.replace(/\/$/, '');
  const tenant = demoField(server.stdout, 'tenant');
  const token = await call(`${base}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: demoField(server.stdout, 'client id'),
      client_secret: demoField(server.stdout, 'client secret'),
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  if (token.status !== 200) throw new Error(`token: ${token.status} ${token.text}`);
  const auth = (token.body as { access_token: string }).access_token;

  const profiles = `${base}/beta/deviceManagement/windowsAutopilotDeploymentProfiles`;
  const profile = await call(profiles, {
    method: 'POST',
    token: auth,
    json: { '@odata.type': '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile', displayName: 'Bench', deviceNameTemplate: 'BN-%SERIAL%' },
  });
  if (profile.status !== 201) throw new Error(`profile: ${profile.status} ${profile.text}`);
  const assign = await call(`${profiles}/${(profile.body as { id: string }).id}/assignments`, {
    method: 'POST',
    token: auth,
    json: { target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } },
  });
  if (assign.status !== 201) throw new Error(`assignment: ${assign.status} ${assign.text}`);

  for (let i = 0; i < all.length; i += PER_REQUEST) {
    const items = all.slice(i, i + PER_REQUEST).map((hardwareIdentifier) => ({ serialNumber: '', productKey: '', hardwareIdentifier, groupTag: '' }));
    const r = await call(`${base}/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities/import`, {
      method: 'POST',
      token: auth,
      json: { importedWindowsAutopilotDeviceIdentities: items },
    });
    if (r.status !== 200) throw new Error(`import: ${r.status} ${r.text.slice(0, 300)}`);
  }
  const settleStart = performance.now();
  for (;;) {
    const r = await call(`${base}/v1.0/deviceManagement/windowsAutopilotDeviceIdentities?$count=true&$top=1`, { token: auth });
    const count = (r.body as { '@odata.count'?: number })['@odata.count'];
    if (count === DEVICES) break;
    if (performance.now() - settleStart > SETTLE_TIMEOUT_MS) throw new Error(`only ${count} of ${DEVICES} devices registered`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  let cursor = 0;
  const firstStart = performance.now();
  const first = await drive(base, all, CONCURRENCY, () => (cursor < all.length ? cursor++ : undefined));
  const firstSeconds = (performance.now() - firstStart) / 1000;

  // A fixed pseudo-random order, the same for every driver.
  let s = 12345;
  const until = performance.now() + SECONDS * 1000;
  const steadyStart = performance.now();
  const steady = await drive(base, all, CONCURRENCY, () => {
    if (performance.now() >= until) return undefined;
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % all.length;
  });
  const steadySeconds = (performance.now() - steadyStart) / 1000;
  console.log(
    JSON.stringify({
      node: process.version,
      driver: process.env.BENCH_SQLITE_DRIVER ?? 'better-sqlite3',
      devices: DEVICES,
      concurrency: CONCURRENCY,
      firstPassPerSecond: Math.round(first.length / firstSeconds),
      firstPassP50Ms: +percentile(first, 50).toFixed(2),
      steadyPerSecond: Math.round(steady.length / steadySeconds),
      steadyP50Ms: +percentile(steady, 50).toFixed(2),
      steadyP99Ms: +percentile(steady, 99).toFixed(2),
      requests: steady.length,
    }),
  );
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
