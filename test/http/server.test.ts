// startServer (what `tarmac serve` runs): migrate, demo tenant on an empty database only, listen, close cleanly;
// a taken port is an error that says what to do.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ListenError, startServer, type RunningServer } from '../../src/server/start-server.js';

const dirs: string[] = [];
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function config(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tarmac-server-'));
  dirs.push(dir);
  return loadConfig({ TARMAC_DATA_DIR: dir, PORT: '0', ...env });
}

describe('startServer', () => {
  it('creates the demo tenant on an empty database, once, and serves it', async () => {
    const cfg = config();
    const first = await startServer(cfg, { logger: false });
    servers.push(first);
    expect(first.url).toBe(`http://127.0.0.1:${first.port}`);
    expect(first.demo?.tenant.domains[0]?.name).toBe('demo.onmicrosoft.com');
    expect(first.demo?.clientSecret).toHaveLength(40);
    // Its administrator signs in to the console with a generated password, shown once.
    expect(first.demo?.admin.userPrincipalName).toBe('admin@demo.onmicrosoft.com');
    expect(first.demo?.admin.password.length).toBeGreaterThanOrEqual(16);
    const health = await fetch(`${first.url}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'sqlite' });
    await first.close();
    servers.pop();

    const second = await startServer(cfg, { logger: false });
    servers.push(second);
    expect(second.demo).toBeUndefined();
  });

  it('says what to do when the port is taken, and leaves nothing open', async () => {
    const running = await startServer(config(), { logger: false, demo: false });
    servers.push(running);
    const err = await startServer(config({ PORT: String(running.port) }), { logger: false, demo: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ListenError);
    expect((err as Error).message).toMatch(/in use.*--port/);
  });

  it('closes gracefully: a request in flight gets its answer, then the port is free', async () => {
    const running = await startServer(config(), { logger: false, demo: false });
    const body = 'grant_type=client_credentials&client_id=00000000-0000-0000-0000-000000000001';
    // Send the headers and half the body, so the request is in flight when close() begins.
    const req = request(`${running.url}/contoso.onmicrosoft.com/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 20));
    await new Promise((r) => setTimeout(r, 200));
    const closing = running.close();
    req.end(body.slice(20));
    const answered = await response;
    expect(answered.status).toBe(400);
    expect(JSON.parse(answered.text)).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
    await closing;
    await expect(fetch(`${running.url}/health`)).rejects.toThrow();
  });
});
