// MSAL for Node's public client against the real `tarmac serve` over HTTPS: a user and a public client app made with
// the CLI; getAuthCodeUrl with PKCE, the sign-in form, acquireTokenByCode, a silent refresh, and Graph with the token.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runSdkClient, withHttpsServe } from '../support/sdk-serve.js';
import { cli, killAll, removeTemps } from '../support/serve-process.js';

const CLIENT = 'test/e2e/fixtures/msal-signin-client.ts';

afterEach(killAll);
afterAll(removeTemps);

interface Observed {
  authorizeStatus: number;
  authUrlParams: Record<string, string>;
  redirectState: string | null;
  account: { homeAccountId: string; localAccountId: string; tenantId: string; username: string; name: string };
  idTokenClaims: Record<string, unknown>;
  accessToken: { scp: string; upn: string; idtyp: string; aud: string };
  scopes: string[];
  groupsStatus: number;
  silent: { differs: boolean; upn: string; fromCache: boolean };
}

describe('MSAL for Node (PublicClientApplication) signing a user in at tarmac serve', () => {
  it('gets a delegated Graph token through getAuthCodeUrl + the form + acquireTokenByCode, and refreshes it', async () => {
    await withHttpsServe('sqlite', async (server) => {
      const domain = 'contoso.onmicrosoft.com';
      const tenant = await cli(server.env, ['tenant', 'create', '--domain', domain, '--json']);
      expect(tenant.code, tenant.stderr).toBe(0);
      const tenantId = (JSON.parse(tenant.stdout) as { tenantId: string }).tenantId;
      const redirectUri = 'http://localhost:3000/redirect';
      const spa = await cli(server.env, ['app', 'create', '--tenant', domain, '--name', 'Tarmac console', '--public', '--redirect-uri', redirectUri, '--json']);
      expect(spa.code, spa.stderr).toBe(0);
      const clientId = (JSON.parse(spa.stdout) as { clientId: string }).clientId;
      const user = await cli(server.env, ['user', 'create', '--tenant', domain, '--upn', `ada@${domain}`, '--name', 'Ada Lovelace', '--role', 'Intune Administrator', '--json']);
      expect(user.code, user.stderr).toBe(0);
      const { id: userId, password } = JSON.parse(user.stdout) as { id: string; password: string };

      const o = (await runSdkClient(CLIENT, server, { tenant: tenantId, clientId, redirectUri, upn: `ada@${domain}`, password })) as Observed;

      expect(o.authorizeStatus).toBe(200);
      expect(o.authUrlParams).toMatchObject({ client_id: clientId, response_type: 'code', code_challenge_method: 'S256', client_info: '1' });
      expect(o.redirectState).toBe('msal-state');
      expect(o.account).toEqual({ homeAccountId: `${userId}.${tenantId}`, localAccountId: userId, tenantId, username: `ada@${domain}`, name: 'Ada Lovelace' });
      expect(o.idTokenClaims).toMatchObject({ aud: clientId, tid: tenantId, oid: userId, preferred_username: `ada@${domain}` });
      expect(o.accessToken).toMatchObject({ idtyp: 'user', upn: `ada@${domain}`, aud: 'https://graph.microsoft.com' });
      expect(o.accessToken.scp.split(' ')).toContain('DeviceManagementServiceConfig.ReadWrite.All');
      expect(o.groupsStatus).toBe(200);
      expect(o.silent).toEqual({ differs: true, upn: `ada@${domain}`, fromCache: false });
    });
  }, 180_000);
});
