// `tarmac tenant list [--json]`: the tenants of the configured database (customers, partners, OEMs), with their apps.
import { withTenantsStore } from '../../server/cli-support.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput } from '../output.js';

export interface TenantListOptions {
  json?: boolean;
}

export async function tenantList(options: TenantListOptions = {}): Promise<ExitCode> {
  const out = createOutput();
  return withTenantsStore(out, options.json, async (store) => {
    const tenants = await store.tenants.list();
    const rows = await Promise.all(
      tenants.map(async (t) => ({
        tenantId: t.id,
        domain: t.domains[0]?.name ?? '',
        domains: t.domains.map((d) => d.name),
        displayName: t.displayName,
        kind: t.kind,
        createdDateTime: t.createdAt,
        apps: (await store.apps.listByTenant(t.id)).map((a) => ({ clientId: a.clientId, displayName: a.displayName, roles: a.roles })),
      })),
    );
    if (options.json) {
      out.json(rows);
      return 0;
    }
    if (rows.length === 0) {
      out.line('No tenants yet. Create one with: tarmac tenant create --domain contoso.onmicrosoft.com');
      return 0;
    }
    out.table(
      ['tenant id', 'domain', 'name', 'kind', 'apps (client ids)', 'created'],
      rows.map((r) => [r.tenantId, r.domain, r.displayName, r.kind, r.apps.map((a) => a.clientId).join(', '), r.createdDateTime.slice(0, 19) + 'Z']),
    );
    return 0;
  });
}
