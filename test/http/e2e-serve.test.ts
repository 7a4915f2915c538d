// End to end: the real `tarmac serve` process on a fresh data directory, driven as a user would — read the printed
// demo credentials, get a token over real HTTP, call Graph (with Microsoft's own SDK over HTTPS), create tenants and
// apps with the CLI while the server runs, stop it with SIGTERM, start it again. The executable is `node
// bin/tarmac.js`, which runs dist/ (built from the current source by test/support/build-dist.ts).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createPostgresScratch } from '../support/test-databases.js';
import { ROOT, childEnv, cli, demoOf, getToken, killAll, removeTemps, selfSignedCert, serve, stop, tempDir } from '../support/serve-process.js';

const SDK_CLIENT = join(ROOT, 'test/http/fixtures/graph-sdk-client.ts');

const E2E_TIMEOUT = 120_000;

afterEach(killAll);
afterAll(removeTemps);

async function organization(url: string, token: string): Promise<{ status: number; body: { value?: { displayName: string }[]; error?: { code: string } } }> {
  const res = await fetch(`${url}/v1.0/organization`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as { value?: { displayName: string }[] } };
}

describe('tarmac serve, end to end (bin/tarmac.js)', () => {
  it(
    'prints the demo tenant once; its credentials, the printed curl and CLI-made tenants work against the running server; stops on SIGTERM',
    async () => {
      const dataDir = tempDir();
      const env = { TARMAC_DATA_DIR: dataDir };
      const first = await serve(env);
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(first.stdout()).toContain(`API docs: ${first.url}/docs`);
      const demo = demoOf(first.stdout());
      expect(demo.tenant).toBe('demo.onmicrosoft.com');

      const token = await getToken(first.url, demo.tenant, demo.clientId, demo.clientSecret);
      const org = await organization(first.url, token);
      expect(org.status).toBe(200);
      expect(org.body.value?.[0]?.displayName).toBe('Tarmac Demo');

      // The printed snippet, pasted into a shell.
      const snippet = first
        .stdout()
        .split('\n')
        .filter((line) => /^ {2}(TOKEN=|\s{2}|curl )/.test(line))
        .map((line) => line.slice(2))
        .join('\n');
      expect(snippet).toContain('TOKEN=$(curl');
      const pasted = await new Promise<string>((resolve, reject) =>
        execFile('bash', ['-c', snippet], { env: childEnv({}), timeout: 30_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
      );
      expect(JSON.parse(pasted)).toMatchObject({ value: [{ displayName: 'Tarmac Demo' }] });

      // The CLI writes to the same database while the server runs.
      const created = await cli(env, ['tenant', 'create', '--domain', 'contoso.onmicrosoft.com', '--name', 'Contoso Ltd', '--json']);
      expect(created.code).toBe(0);
      const contoso = JSON.parse(created.stdout) as { tenantId: string; domain: string; clientId: string; clientSecret: string };
      expect(contoso.domain).toBe('contoso.onmicrosoft.com');
      const contosoOrg = await organization(first.url, await getToken(first.url, contoso.tenantId, contoso.clientId, contoso.clientSecret));
      expect(contosoOrg.body.value?.[0]?.displayName).toBe('Contoso Ltd');

      const reader = await cli(env, ['app', 'create', '--tenant', 'contoso.onmicrosoft.com', '--role', 'DeviceManagementServiceConfig.Read.All', '--json']);
      expect(reader.code).toBe(0);
      const readerApp = JSON.parse(reader.stdout) as { clientId: string; clientSecret: string; roles: string[] };
      expect(readerApp.roles).toEqual(['DeviceManagementServiceConfig.Read.All']);
      const denied = await organization(first.url, await getToken(first.url, 'contoso.onmicrosoft.com', readerApp.clientId, readerApp.clientSecret));
      expect(denied.status).toBe(403);
      expect(denied.body.error?.code).toBe('Authorization_RequestDenied');

      const [duplicate, listed] = await Promise.all([
        cli(env, ['tenant', 'create', '--domain', 'contoso.onmicrosoft.com', '--json']),
        cli(env, ['tenant', 'list', '--json']),
      ]);
      expect(duplicate.code).toBe(1);
      expect(JSON.parse(duplicate.stdout)).toMatchObject({ error: { code: 'DomainTaken' } });
      expect((JSON.parse(listed.stdout) as { domain: string }[]).map((t) => t.domain)).toEqual(['demo.onmicrosoft.com', 'contoso.onmicrosoft.com']);

      expect(await stop(first)).toBe(0);

      // Again on the same data: no demo this time, and the token issued before the restart still works.
      const second = await serve(env);
      expect(second.stdout()).not.toContain('Created a demo tenant');
      expect(second.stdout()).not.toContain(demo.clientSecret);
      expect((await organization(second.url, token)).status).toBe(200);
      expect(await stop(second)).toBe(0);
    },
    E2E_TIMEOUT,
  );

  it(
    'serves HTTPS that Microsoft’s Graph SDK talks to: token, /organization, errors as GraphError',
    async () => {
      const dir = tempDir();
      const { cert, key } = await selfSignedCert(dir);
      const served = await serve({ TARMAC_DATA_DIR: join(dir, 'data') }, ['--tls-cert', cert, '--tls-key', key]);
      expect(served.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const demo = demoOf(served.stdout());

      const output = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', SDK_CLIENT, served.url, demo.tenant, demo.clientId, demo.clientSecret],
          { cwd: ROOT, env: childEnv({ NODE_EXTRA_CA_CERTS: cert }), timeout: 60_000 },
          (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
        ),
      );
      const result = JSON.parse(output.trim().split('\n').pop() ?? '{}') as {
        organization: { value: { id: string; displayName: string; verifiedDomains: { name: string }[] }[] };
        one: { id: string };
        notFound: { statusCode: number; code: string; requestId: string };
      };
      expect(result.organization.value).toHaveLength(1);
      expect(result.organization.value[0]).toMatchObject({ displayName: 'Tarmac Demo', verifiedDomains: [{ name: 'demo.onmicrosoft.com' }] });
      expect(result.one.id).toBe(result.organization.value[0]?.id);
      expect(result.notFound).toEqual({ statusCode: 404, code: 'ResourceNotFound', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(await stop(served)).toBe(0);
    },
    E2E_TIMEOUT,
  );

  it(
    'runs on PostgreSQL with TARMAC_DATABASE_URL',
    async () => {
      const scratch = await createPostgresScratch();
      try {
        const env = { TARMAC_DATABASE_URL: scratch.url, TARMAC_DATA_DIR: join(tempDir(), 'unused') };
        const served = await serve(env);
        expect(served.stdout()).toContain('PostgreSQL');
        const demo = demoOf(served.stdout());
        // The CLI writes while the server answers.
        const [created, token] = await Promise.all([
          cli(env, ['tenant', 'create', '--domain', 'pg.onmicrosoft.com', '--json']),
          getToken(served.url, demo.tenant, demo.clientId, demo.clientSecret),
        ]);
        expect((await organization(served.url, token)).status).toBe(200);
        expect(created.code).toBe(0);
        const pg = JSON.parse(created.stdout) as { clientId: string; clientSecret: string };
        const pgOrg = await organization(served.url, await getToken(served.url, 'pg.onmicrosoft.com', pg.clientId, pg.clientSecret));
        expect(pgOrg.body.value?.[0]?.displayName).toBe('Pg');
        expect(await stop(served)).toBe(0);
        expect(existsSync(join(env.TARMAC_DATA_DIR, 'tarmac.db'))).toBe(false);
      } finally {
        await scratch.drop();
      }
    },
    E2E_TIMEOUT,
  );
});
