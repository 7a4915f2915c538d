// `tarmac user create` and `tarmac app create --redirect-uri --public` through bin/tarmac.js on a real SQLite database.
import { afterAll, describe, expect, it } from 'vitest';
import { cli, removeTemps, tempDir } from '../support/serve-process.js';

afterAll(removeTemps);

describe('tarmac user create', () => {
  it('creates users with directory roles, prints a generated password once, and refuses bad input saying why', async () => {
    const env = { TARMAC_DATA_DIR: tempDir() };
    const tenant = await cli(env, ['tenant', 'create', '--domain', 'contoso.onmicrosoft.com', '--json']);
    expect(tenant.code, tenant.stderr).toBe(0);

    const ada = await cli(env, ['user', 'create', '--tenant', 'contoso.onmicrosoft.com', '--upn', 'Ada@contoso.onmicrosoft.com', '--name', 'Ada Lovelace', '--role', 'Intune Administrator', '--json']);
    expect(ada.code, ada.stderr).toBe(0);
    const adaJson = JSON.parse(ada.stdout) as Record<string, unknown>;
    expect(adaJson).toMatchObject({ userPrincipalName: 'ada@contoso.onmicrosoft.com', displayName: 'Ada Lovelace', roles: ['Intune Administrator'] });
    expect(adaJson.password).toMatch(/^.{24}$/);

    const given = await cli(env, ['user', 'create', '--tenant', 'contoso.onmicrosoft.com', '--upn', 'reader@contoso.onmicrosoft.com', '--role', 'global reader', '--password', 'correct horse battery']);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stdout).toContain('Created user reader@contoso.onmicrosoft.com');
    expect(given.stdout).toContain('Global Reader');
    expect(given.stdout).not.toContain('password ');

    const taken = await cli(env, ['user', 'create', '--tenant', 'contoso.onmicrosoft.com', '--upn', 'ada@contoso.onmicrosoft.com']);
    expect(taken.code).not.toBe(0);
    expect(taken.stderr + taken.stdout).toContain('already exists');
    const badRole = await cli(env, ['user', 'create', '--tenant', 'contoso.onmicrosoft.com', '--upn', 'x@contoso.onmicrosoft.com', '--role', 'Boss']);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr + badRole.stdout).toContain("Unknown directory role 'Boss'");

    const spa = await cli(env, ['app', 'create', '--tenant', 'contoso.onmicrosoft.com', '--name', 'Tarmac console', '--public', '--redirect-uri', 'https://tarmac.example/', 'http://localhost:5173/redirect.html', '--json']);
    expect(spa.code, spa.stderr).toBe(0);
    expect(JSON.parse(spa.stdout)).toMatchObject({ redirectUris: ['https://tarmac.example/', 'http://localhost:5173/redirect.html'], publicClient: true, roles: [] });
    const insecure = await cli(env, ['app', 'create', '--tenant', 'contoso.onmicrosoft.com', '--redirect-uri', 'http://evil.example/']);
    expect(insecure.code).not.toBe(0);
    expect(insecure.stderr + insecure.stdout).toContain('must use https');
  }, 120_000);
});
