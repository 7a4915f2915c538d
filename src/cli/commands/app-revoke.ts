// `tarmac app delete --tenant <t> --client-id <id>` and `tarmac app revoke-tokens --tenant <t> --client-id <id>`:
// take an app's access away. Its access tokens stop working on every server within the app-state cache time
// (src/tokens/token-subjects.ts, a few seconds), without a restart.
import { withTenantsStore } from '../../server/cli-support.js';
import { deleteApp, revokeAppTokens } from '../../tenants/index.js';
import { APP_STATE_CACHE_SECONDS } from '../../tokens/index.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput } from '../output.js';

export interface AppRevokeOptions {
  tenant: string;
  clientId: string;
  json?: boolean;
}

export async function appDelete(options: AppRevokeOptions): Promise<ExitCode> {
  const out = createOutput();
  return withTenantsStore(out, options.json, async (store) => {
    const { tenant, clientId } = await deleteApp(store, options);
    if (options.json) {
      out.json({ tenantId: tenant.id, clientId, deleted: true });
      return 0;
    }
    out.line(`Deleted app ${clientId} of ${tenant.domains[0]?.name ?? tenant.id} with its secrets.`);
    out.line(`Its access tokens stop working within ${APP_STATE_CACHE_SECONDS} seconds on every running server.`);
    return 0;
  });
}

export async function appRevokeTokens(options: AppRevokeOptions): Promise<ExitCode> {
  const out = createOutput();
  return withTenantsStore(out, options.json, async (store) => {
    const { tenant, clientId, notBefore } = await revokeAppTokens(store, options);
    if (options.json) {
      out.json({ tenantId: tenant.id, clientId, tokensNotBefore: notBefore });
      return 0;
    }
    out.line(`Revoked the access tokens of app ${clientId} of ${tenant.domains[0]?.name ?? tenant.id} issued before ${notBefore}.`);
    out.line(`Running servers refuse them within ${APP_STATE_CACHE_SECONDS} seconds; the app's secrets still get new tokens.`);
    return 0;
  });
}
