// `tarmac app create --tenant <id|domain> [--name …] [--role <role>…] [--json]`: another app (client id and secret)
// in a tenant, with the application permissions given (default: the standard Autopilot set).
import { expectedBaseUrl, tokenExample, withTenantsStore } from '../../server/cli-support.js';
import { createApp } from '../../tenants/index.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput } from '../output.js';

export interface AppCreateOptions {
  tenant: string;
  name?: string;
  role?: string[];
  json?: boolean;
}

export async function appCreate(options: AppCreateOptions): Promise<ExitCode> {
  const out = createOutput();
  return withTenantsStore(out, options.json, async (store, config) => {
    const created = await createApp(store, { tenant: options.tenant, displayName: options.name, roles: options.role });
    const domain = created.tenant.domains[0]?.name ?? created.tenant.id;
    const baseUrl = expectedBaseUrl(config);
    if (options.json) {
      out.json({
        tenantId: created.tenant.id,
        domain,
        appId: created.app.id,
        displayName: created.app.displayName,
        clientId: created.app.clientId,
        clientSecret: created.clientSecret,
        roles: created.app.roles,
        tokenEndpoint: `${baseUrl}/${created.tenant.id}/oauth2/v2.0/token`,
      });
      return 0;
    }
    const { bold, yellow } = out.color;
    out.line(`Created app ${bold(created.app.displayName)} in ${domain}.`);
    out.line(`  client id      ${created.app.clientId}`);
    out.line(`  client secret  ${created.clientSecret}   ${yellow('shown only now; Tarmac keeps a hash')}`);
    out.line(`  roles          ${created.app.roles.join(', ') || '(none)'}`);
    out.line();
    out.line(`Get a token and call Graph (with the server at ${baseUrl}):`);
    for (const line of tokenExample(baseUrl, domain, created.app.clientId, created.clientSecret)) out.line(`  ${line}`);
    return 0;
  });
}
