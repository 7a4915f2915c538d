// `tarmac app create --tenant <id|domain> [--name …] [--role <role>…] [--json]`: another app (client id and secret)
// in a tenant, with the application permissions given (default: the standard Autopilot set).
import { expectedBaseUrl, withStores } from '../../server/cli-support.js';
import { recordCliWrite } from '../audit-writes.js';
import { createApp } from '../../tenants/index.js';
import type { ExitCode } from '../command-kit.js';
import { credentialFields, printCredentials } from '../credentials-view.js';
import { createOutput } from '../output.js';

export interface AppCreateOptions {
  tenant: string;
  name?: string;
  role?: string[];
  redirectUri?: string[];
  public?: boolean;
  json?: boolean;
}

export async function appCreate(options: AppCreateOptions): Promise<ExitCode> {
  const out = createOutput();
  return withStores(out, options.json, async ({ tenants: store, store: domains }, config) => {
    const created = await createApp(store, {
      tenant: options.tenant,
      displayName: options.name,
      roles: options.role,
      redirectUris: options.redirectUri,
      publicClient: options.public,
    });
    const { app } = created;
    await recordCliWrite(domains, {
      tenantId: created.tenant.id,
      category: 'Role',
      operation: 'Create',
      resourceType: 'application',
      command: 'app create',
      resources: [{ type: 'application', id: app.id, after: { displayName: app.displayName, clientId: app.clientId, roles: app.roles, redirectUris: app.redirectUris, publicClient: app.publicClient } }],
    });
    const domain = created.tenant.domains[0]?.name ?? created.tenant.id;
    const baseUrl = expectedBaseUrl(config);
    if (options.json) {
      out.json({
        tenantId: created.tenant.id,
        domain,
        appId: created.app.id,
        displayName: created.app.displayName,
        ...credentialFields(created, baseUrl),
        ...(created.app.redirectUris.length > 0 || created.app.publicClient
          ? { redirectUris: created.app.redirectUris, publicClient: created.app.publicClient }
          : {}),
      });
      return 0;
    }
    out.line(`Created app ${out.color.bold(created.app.displayName)} in ${domain}.`);
    printCredentials(out, created, domain, baseUrl);
    if (created.app.redirectUris.length > 0) out.line(`  redirect URIs  ${created.app.redirectUris.join(' ')}`);
    if (created.app.publicClient) out.line('  public client  yes: redeems sign-in codes with PKCE and without its secret');
    return 0;
  });
}
