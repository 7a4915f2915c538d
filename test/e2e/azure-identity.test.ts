// Done-when for MSAL compatibility and Partner Center tokens: @azure/identity's ClientSecretCredential (MSAL for Node)
// with authorityHost pointed at the real `tarmac serve` over HTTPS resolves Tarmac's discovery document and gets a
// Graph token and a Partner Center token; Microsoft's Graph SDK, authenticated through that credential, imports and
// lists an Autopilot device; Graph refuses the Partner Center token (401).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runSdkClient, withHttpsServe } from '../support/sdk-serve.js';
import { cli, killAll, removeTemps } from '../support/serve-process.js';

const CLIENT = 'test/e2e/fixtures/azure-identity-client.ts';

afterEach(killAll);
afterAll(removeTemps);

interface TokenSeen {
  ok: boolean;
  aud?: string;
  tid?: string;
  appid?: string;
  expiresInSeconds?: number;
  name?: string;
  message?: string;
}

interface Observed {
  graph: TokenSeen;
  partnerCenter: TokenSeen;
  byDomain: TokenSeen;
  imported: { id: string; status: string };
  devices: { id: string; groupTag: string; serialNumber: string }[];
  pcOnGraph: { statusCode: number; code?: string; message?: string };
}

describe('@azure/identity (MSAL) against tarmac serve', () => {
  it('gets Graph and Partner Center tokens with ClientSecretCredential; the Graph SDK lists devices with it; Graph refuses the PC token', async () => {
    await withHttpsServe('sqlite', async (server) => {
      // A tenant made with the CLI, as an operator would: its id (GUID) for the credential, its domain for the second.
      const domain = 'fabrikam.onmicrosoft.com';
      const created = await cli(server.env, ['tenant', 'create', '--domain', domain, '--json']);
      expect(created.code, created.stderr).toBe(0);
      const app = JSON.parse(created.stdout) as { tenantId: string; clientId: string; clientSecret: string };
      const o = (await runSdkClient(CLIENT, server, { tenant: app.tenantId, domain, clientId: app.clientId, clientSecret: app.clientSecret })) as Observed;

      const who = { ok: true, tid: app.tenantId, appid: app.clientId };
      expect(o.graph, JSON.stringify(o.graph)).toMatchObject({ ...who, aud: 'https://graph.microsoft.com' });
      expect(o.partnerCenter, JSON.stringify(o.partnerCenter)).toMatchObject({ ...who, aud: 'https://api.partnercenter.microsoft.com' });
      expect(o.byDomain, JSON.stringify(o.byDomain)).toMatchObject({ ...who, aud: 'https://api.partnercenter.microsoft.com' });
      expect(o.graph.expiresInSeconds).toBeGreaterThan(3500);

      expect(o.imported.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(o.devices).toHaveLength(1);
      expect(o.devices[0]).toMatchObject({ groupTag: 'AzureIdentity' });

      expect(o.pcOnGraph).toMatchObject({
        statusCode: 401,
        code: 'InvalidAuthenticationToken',
        message: 'Access token validation failure. Invalid audience: request the scope https://graph.microsoft.com/.default.',
      });
    });
  }, 180_000);
});
