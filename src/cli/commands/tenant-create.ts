// `tarmac tenant create --domain contoso.onmicrosoft.com [--name Contoso] [--role …] [--json]`: a tenant and its
// first app; prints the app's client secret once.
import { expectedBaseUrl, tokenExample, withTenantsStore } from '../../server/cli-support.js';
import { createTenant } from '../../tenants/index.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput } from '../output.js';

export interface TenantCreateOptions {
  domain: string;
  name?: string;
  role?: string[];
  json?: boolean;
}

export async function tenantCreate(options: TenantCreateOptions): Promise<ExitCode> {
  const out = createOutput();
  return withTenantsStore(out, options.json, async (store, config) => {
    const created = await createTenant(store, { domain: options.domain, displayName: options.name, roles: options.role });
    const domain = created.tenant.domains[0]?.name ?? options.domain;
    const baseUrl = expectedBaseUrl(config);
    if (options.json) {
      out.json({
        tenantId: created.tenant.id,
        domain,
        displayName: created.tenant.displayName,
        clientId: created.app.clientId,
        clientSecret: created.clientSecret,
        roles: created.app.roles,
        tokenEndpoint: `${baseUrl}/${created.tenant.id}/oauth2/v2.0/token`,
      });
      return 0;
    }
    const { bold, yellow } = out.color;
    out.line(`Created tenant ${bold(created.tenant.displayName)} (${domain}).`);
    out.line(`  tenant id      ${created.tenant.id}`);
    out.line(`  client id      ${created.app.clientId}`);
    out.line(`  client secret  ${created.clientSecret}   ${yellow('shown only now; Tarmac keeps a hash')}`);
    out.line(`  roles          ${created.app.roles.join(', ') || '(none)'}`);
    out.line();
    out.line(`Get a token and call Graph (with the server at ${baseUrl}):`);
    for (const line of tokenExample(baseUrl, domain, created.app.clientId, created.clientSecret)) out.line(`  ${line}`);
    return 0;
  });
}
