// `tarmac tenant create --domain contoso.onmicrosoft.com [--name Contoso] [--role …] [--json]`: a tenant and its
// first app; prints the app's client secret once.
import { expectedBaseUrl, withTenantsStore } from '../../server/cli-support.js';
import { createTenant } from '../../tenants/index.js';
import type { ExitCode } from '../command-kit.js';
import { credentialFields, printCredentials } from '../credentials-view.js';
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
      out.json({ tenantId: created.tenant.id, domain, displayName: created.tenant.displayName, ...credentialFields(created, baseUrl) });
      return 0;
    }
    out.line(`Created tenant ${out.color.bold(created.tenant.displayName)} (${domain}).`);
    out.line(`  tenant id      ${created.tenant.id}`);
    printCredentials(out, created, domain, baseUrl);
    return 0;
  });
}
