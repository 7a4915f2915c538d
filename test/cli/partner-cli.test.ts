// `tarmac partner …` and `tarmac oem …` against a real database (SQLite and PostgreSQL), through bin/tarmac.js:
// creating organisations, invitation links, the customer's acceptance and revocation, the listings, the errors; and,
// on SQLite, the CLI and a running server's customer API (/tarmac/v1.0/partnerRelationships) on the same data.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, getToken, killAll, removeTemps, serve, stop, tempDir } from '../support/serve-process.js';
import { createPostgresScratch, type PostgresScratch, TEST_ENGINES } from '../support/test-databases.js';

const TIMEOUT = 120_000;

afterEach(killAll);
afterAll(removeTemps);

interface Created {
  tenantId: string;
  domain: string;
  kind: string;
  clientId: string;
  clientSecret: string;
  roles: string[];
  scope: string;
  apiBaseUrl: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function json(result: { stdout: string }): any {
  return JSON.parse(result.stdout);
}

describe.each(TEST_ENGINES)('tarmac partner and oem on %s', (engine) => {
  let env: Record<string, string>;
  let scratch: PostgresScratch | undefined;
  let csp: Created;
  let oem: Created;
  let customer: Created;
  const run = async (args: string[], expectedCode = 0) => {
    const r = await cli(env, args);
    expect(r.code, `tarmac ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(expectedCode);
    return r;
  };

  beforeAll(async () => {
    if (engine === 'postgres') {
      scratch = await createPostgresScratch();
      env = { TARMAC_DATABASE_URL: scratch.url, TARMAC_DATA_DIR: join(tempDir(), 'unused') };
    } else {
      env = { TARMAC_DATA_DIR: tempDir() };
    }
    csp = json(await run(['partner', 'create', '--domain', 'contoso-csp.onmicrosoft.com', '--name', 'Contoso CSP', '--json']));
    oem = json(await run(['oem', 'create', '--domain', 'litware-oem.onmicrosoft.com', '--json']));
    customer = json(await run(['tenant', 'create', '--domain', 'contoso.onmicrosoft.com', '--json']));
  }, TIMEOUT);
  afterAll(async () => scratch?.drop());

  it('creates partners and OEMs with an app without Graph roles, and says how to get their token', async () => {
    expect(csp).toMatchObject({ domain: 'contoso-csp.onmicrosoft.com', kind: 'partner', roles: [], scope: 'https://api.partnercenter.microsoft.com/.default' });
    expect(csp.apiBaseUrl).toBe('http://127.0.0.1:8080/v1');
    expect(oem).toMatchObject({ kind: 'oem', roles: [], scope: 'https://api.partnercenter.microsoft.com/.default', apiBaseUrl: 'http://127.0.0.1:8080/oem/v1' });

    const human = await run(['partner', 'create', '--domain', 'northwind-csp.onmicrosoft.com']);
    expect(human.stdout).toMatch(/^Created partner \(CSP\) Northwind-csp \(northwind-csp\.onmicrosoft\.com\)\.$/m);
    expect(human.stdout).toMatch(/^ {2}tenant id {6}[0-9a-f-]{36}$/m);
    expect(human.stdout).toContain('--data-urlencode scope=https://api.partnercenter.microsoft.com/.default');
    expect(human.stdout).toContain('curl -s http://127.0.0.1:8080/v1/customers/relationshiprequests -H "Authorization: Bearer $TOKEN"');
    expect(human.stdout).toContain('tarmac partner invite --partner northwind-csp.onmicrosoft.com');
    const oemHuman = await run(['oem', 'create', '--domain', 'fabrikam-oem.onmicrosoft.com']);
    expect(oemHuman.stdout).toContain('Created OEM Fabrikam-oem');
    expect(oemHuman.stdout).toContain('then call the OEM API at http://127.0.0.1:8080/oem/v1');

    const list = json(await run(['tenant', 'list', '--json'])) as { domain: string; kind: string }[];
    expect(Object.fromEntries(list.map((t) => [t.domain, t.kind]))).toEqual({
      'contoso-csp.onmicrosoft.com': 'partner',
      'litware-oem.onmicrosoft.com': 'oem',
      'contoso.onmicrosoft.com': 'customer',
      'northwind-csp.onmicrosoft.com': 'partner',
      'fabrikam-oem.onmicrosoft.com': 'oem',
    });
    const plain = await run(['tenant', 'list']);
    expect(plain.stdout.split('\n')[0]).toBe('tenant id\tdomain\tname\tkind\tapps (client ids)\tcreated');
    expect(plain.stdout).toContain(`${oem.tenantId}\tlitware-oem.onmicrosoft.com\tLitware-oem\toem\t`);
  }, TIMEOUT);

  it('invites, accepts (reseller and OEM links), lists and revokes', async () => {
    const invite = json(await run(['partner', 'invite', '--partner', 'contoso-csp.onmicrosoft.com', '--dap', '--json']));
    expect(invite).toMatchObject({ partnerTenantId: csp.tenantId, kind: 'reseller', delegatedAdmin: true });
    const url = new URL(invite.url as string);
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:8080/partner-invitation');
    expect(Object.fromEntries(url.searchParams)).toEqual({ invType: 'ResellerRelationship', partnerId: csp.tenantId, msppId: '0', DAP: 'true' });
    const human = await run(['partner', 'link', '--partner', csp.tenantId]);
    expect(human.stdout).toContain(`partnerId=${csp.tenantId}&msppId=0&DAP=false`);
    expect(human.stdout).toContain("tarmac partner accept 'http://127.0.0.1:8080/partner-invitation?");

    const accepted = json(await run(['partner', 'accept', invite.url, '--tenant', 'contoso.onmicrosoft.com', '--json']));
    expect(accepted).toMatchObject({
      partnerTenantId: csp.tenantId,
      partnerDisplayName: 'Contoso CSP',
      partnerDomain: 'contoso-csp.onmicrosoft.com',
      customerTenantId: customer.tenantId,
      customerDomain: 'contoso.onmicrosoft.com',
      kind: 'reseller',
      delegatedAdmin: true,
    });
    const oemLink = json(await run(['oem', 'invite', '--oem', 'litware-oem.onmicrosoft.com', '--json']));
    expect(new URL(oemLink.url as string).searchParams.get('invType')).toBe('OemRelationship');
    const oemAccepted = await run(['partner', 'accept', oemLink.url, '--tenant', customer.tenantId]);
    expect(oemAccepted.stdout).toContain('Contoso (contoso.onmicrosoft.com) accepted OEM Litware-oem (litware-oem.onmicrosoft.com).');

    const mine = json(await run(['partner', 'relationships', '--tenant', 'contoso.onmicrosoft.com', '--json'])) as { partnerTenantId: string; kind: string }[];
    expect(mine.map((r) => [r.partnerTenantId, r.kind])).toEqual([
      [csp.tenantId, 'reseller'],
      [oem.tenantId, 'oem'],
    ]);
    const theirs = json(await run(['partner', 'relationships', '--partner', 'contoso-csp.onmicrosoft.com', '--json']));
    expect(theirs).toEqual([expect.objectContaining({ customerTenantId: customer.tenantId, kind: 'reseller' })]);
    const table = await run(['partner', 'relationships', '--tenant', 'contoso.onmicrosoft.com']);
    expect(table.stdout).toMatch(/^Contoso CSP \(contoso-csp\.onmicrosoft\.com\)\tContoso \(contoso\.onmicrosoft\.com\)\treseller\tyes\t\d{4}-/m);

    const revoked = await run(['partner', 'revoke', '--partner', 'contoso-csp.onmicrosoft.com', '--tenant', 'contoso.onmicrosoft.com']);
    expect(revoked.stdout).toContain("Contoso revoked Contoso CSP's relationship. Devices it registered stay registered.");
    const again = await run(['partner', 'revoke', '--partner', 'contoso-csp.onmicrosoft.com', '--tenant', 'contoso.onmicrosoft.com', '--json'], 1);
    expect(json(again)).toEqual({ error: { code: 'NotFound', message: expect.stringContaining('no relationship') } });
    expect(json(await run(['partner', 'relationships', '--tenant', customer.tenantId, '--json'])).map((r: { kind: string }) => r.kind)).toEqual(['oem']);
    expect(json(await run(['oem', 'revoke', '--oem', 'litware-oem.onmicrosoft.com', '--tenant', 'contoso.onmicrosoft.com', '--json']))).toEqual({
      partnerTenantId: oem.tenantId,
      customerTenantId: customer.tenantId,
      revoked: true,
    });
    expect((await run(['partner', 'relationships', '--tenant', customer.tenantId])).stdout).toBe('No relationships.\n');
  }, TIMEOUT);

  it('exits 1 with one line (or {"error":{code,message}}) for unknown tenants, bad links and the wrong kind', async () => {
    const link = `http://127.0.0.1:8080/partner-invitation?invType=ResellerRelationship&partnerId=${csp.tenantId}&msppId=0&DAP=false`;
    const cases: [string[], string, RegExp][] = [
      [['partner', 'accept', 'not a link', '--tenant', 'contoso.onmicrosoft.com'], 'InvalidInvitation', /neither an invitation link nor an invitation code/],
      [['partner', 'accept', link.replace('ResellerRelationship', 'OemRelationship'), '--tenant', 'contoso.onmicrosoft.com'], 'InvalidInvitation', /OemRelationship link, but Contoso CSP is a partner/],
      [['partner', 'accept', link, '--tenant', 'nobody.onmicrosoft.com'], 'TenantNotFound', /^--tenant: no tenant 'nobody\.onmicrosoft\.com'/],
      [['partner', 'accept', link, '--tenant', 'litware-oem.onmicrosoft.com'], 'WrongOrganization', /Litware-oem is an OEM organisation; only customer tenants accept invitations/],
      [['partner', 'invite', '--partner', 'litware-oem.onmicrosoft.com'], 'WrongOrganization', /--partner: Litware-oem .* is an OEM \(use `tarmac oem …`\), not a partner/],
      [['partner', 'invite', '--partner', 'contoso.onmicrosoft.com'], 'WrongOrganization', /is a customer tenant, not a partner/],
      [['oem', 'invite', '--oem', 'contoso-csp.onmicrosoft.com'], 'WrongOrganization', /--oem: Contoso CSP .* is a partner/],
      [['partner', 'revoke', '--partner', 'contoso.onmicrosoft.com', '--tenant', 'contoso-csp.onmicrosoft.com'], 'WrongOrganization', /Contoso CSP is a partner organisation; only customer tenants revoke/],
      [['partner', 'relationships'], 'InvalidInput', /Give either --tenant/],
      [['partner', 'relationships', '--partner', 'contoso.onmicrosoft.com'], 'WrongOrganization', /is a customer tenant; list its partners with --tenant/],
    ];
    for (const [args, code, message] of cases) {
      const asJson = await run([...args, '--json'], 1);
      expect(json(asJson), args.join(' ')).toEqual({ error: { code, message: expect.stringMatching(message) } });
    }
    const human = await run(['partner', 'accept', 'not a link', '--tenant', 'contoso.onmicrosoft.com'], 1);
    expect(human.stdout).toBe('');
    expect(human.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^error: 'not a link' is neither an invitation link/)]);
  }, TIMEOUT);

  it.runIf(engine === 'sqlite')(
    'shares the data with a running server: the customer accepts by API, the CLI sees it and revokes it, the API follows',
    async () => {
      const admin = json(await run(['app', 'create', '--tenant', 'contoso.onmicrosoft.com', '--role', 'Directory.ReadWrite.All', '--json']));
      const served = await serve(env);
      const token = await getToken(served.url, 'contoso.onmicrosoft.com', admin.clientId, admin.clientSecret);
      const api = (method: string, path: string, body?: unknown) =>
        fetch(`${served.url}/tarmac/v1.0/partnerRelationships${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
      const invite = json(await run(['partner', 'invite', '--partner', 'contoso-csp.onmicrosoft.com', '--json']));
      const accepted = await api('POST', '', { invitation: invite.url });
      expect(accepted.status).toBe(201);
      expect(await accepted.json()).toMatchObject({ partnerTenantId: csp.tenantId, kind: 'reseller', delegatedAdmin: false });
      expect(json(await run(['partner', 'relationships', '--partner', csp.tenantId, '--json']))).toEqual([expect.objectContaining({ customerTenantId: customer.tenantId })]);
      await run(['partner', 'revoke', '--partner', csp.tenantId, '--tenant', customer.tenantId]);
      expect(((await (await api('GET', '')).json()) as { value: unknown[] }).value).toEqual([]);
      expect((await api('DELETE', `/${csp.tenantId}`)).status).toBe(404);
      expect(await stop(served)).toBe(0);
    },
    TIMEOUT,
  );
});
