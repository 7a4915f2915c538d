// An app's secrets and access, offline against the configured database (servers may be running):
//   tarmac app add-secret    --tenant <t> --client-id <id> [--expires-in-days N]   a new secret, shown once
//   tarmac app remove-secret --tenant <t> --client-id <id> --secret-id <id>        delete one, revoking the app's tokens
//   tarmac app revoke-tokens --tenant <t> --client-id <id>                         refuse every token issued until now
//   tarmac app delete        --tenant <t> --client-id <id>                         the app and its secrets
// Revoked or deleted apps' access tokens stop working on every server within the app-state cache time
// (src/tokens/token-subjects.ts, a few seconds), without a restart. Each records its audit event (audit-writes.ts).
import { expectedBaseUrl, withStores } from '../../server/cli-support.js';
import { addAppSecret, deleteApp, deleteAppSecret, revokeAppTokens, type Tenant } from '../../tenants/index.js';
import { APP_STATE_CACHE_SECONDS } from '../../tokens/index.js';
import type { Store } from '../../ports.js';
import { recordCliWrite } from '../audit-writes.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput } from '../output.js';

export interface AppRevokeOptions {
  tenant: string;
  clientId: string;
  json?: boolean;
}

export interface AppSecretOptions extends AppRevokeOptions {
  secretId?: string;
  expiresInDays?: string;
}

const domainOf = (tenant: Tenant): string => tenant.domains[0]?.name ?? tenant.id;

/** The app's audit event: what the command changed on it, under the app's object id (as `app create` records it). */
function recordAppChange(
  store: Store,
  changed: { tenant: Tenant; appId: string; clientId: string },
  command: string,
  operation: 'Patch' | 'Delete',
  after: Record<string, unknown>,
): Promise<void> {
  return recordCliWrite(store, {
    tenantId: changed.tenant.id,
    category: 'Role',
    operation,
    resourceType: 'application',
    command,
    resources: [{ type: 'application', id: changed.appId, after: { clientId: changed.clientId, ...after } }],
  });
}

export async function appAddSecret(options: AppSecretOptions): Promise<ExitCode> {
  const out = createOutput();
  const days = options.expiresInDays === undefined ? undefined : Number(options.expiresInDays);
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
    out.error(`error: --expires-in-days must be a whole number of days from 1 to 3650; got '${options.expiresInDays}'.`);
    return 2;
  }
  return withStores(out, options.json, async ({ tenants, store }, config) => {
    const now = new Date();
    const added = await addAppSecret(tenants, { tenant: options.tenant, clientId: options.clientId, now, ...(days ? { expiresAt: new Date(now.getTime() + days * 86_400_000) } : {}) });
    await recordAppChange(store, added, 'app add-secret', 'Patch', { secretAdded: added.secretId, expiresAt: added.expiresAt });
    if (options.json) {
      out.json({ tenantId: added.tenant.id, clientId: added.clientId, secretId: added.secretId, clientSecret: added.clientSecret, expiresAt: added.expiresAt });
      return 0;
    }
    out.line(`Added a secret to app ${added.clientId} of ${domainOf(added.tenant)}.`);
    out.line(`  secret id      ${added.secretId}`);
    out.line(`  client secret  ${added.clientSecret}   ${out.color.yellow('shown only now; Tarmac keeps a hash')}`);
    out.line(`  expires        ${added.expiresAt ?? 'never'}`);
    out.line(`Switch your clients to it, then remove the old one: tarmac app remove-secret --tenant ${domainOf(added.tenant)} --client-id ${added.clientId} --secret-id <old id>`);
    out.line(`(token endpoint: ${expectedBaseUrl(config)}/${added.tenant.id}/oauth2/v2.0/token)`);
    return 0;
  });
}

export async function appRemoveSecret(options: AppSecretOptions): Promise<ExitCode> {
  const out = createOutput();
  return withStores(out, options.json, async ({ tenants, store }) => {
    const removed = await deleteAppSecret(tenants, { tenant: options.tenant, clientId: options.clientId, secretId: options.secretId ?? '' });
    const { tenant, clientId, notBefore } = removed;
    await recordAppChange(store, removed, 'app remove-secret', 'Patch', { secretRemoved: options.secretId, tokensNotBefore: notBefore });
    if (options.json) {
      out.json({ tenantId: tenant.id, clientId, secretId: options.secretId, tokensNotBefore: notBefore });
      return 0;
    }
    out.line(`Removed secret ${options.secretId} of app ${clientId} of ${domainOf(tenant)}, and revoked the app's access tokens issued before ${notBefore}.`);
    out.line(`Running servers refuse them within ${APP_STATE_CACHE_SECONDS} seconds; the app's other secrets get new tokens.`);
    return 0;
  });
}

export async function appDelete(options: AppRevokeOptions): Promise<ExitCode> {
  const out = createOutput();
  return withStores(out, options.json, async ({ tenants, store }) => {
    const deleted = await deleteApp(tenants, options);
    const { tenant, clientId } = deleted;
    await recordAppChange(store, deleted, 'app delete', 'Delete', { deleted: true });
    if (options.json) {
      out.json({ tenantId: tenant.id, clientId, deleted: true });
      return 0;
    }
    out.line(`Deleted app ${clientId} of ${domainOf(tenant)} with its secrets.`);
    out.line(`Its access tokens stop working within ${APP_STATE_CACHE_SECONDS} seconds on every running server.`);
    return 0;
  });
}

export async function appRevokeTokens(options: AppRevokeOptions): Promise<ExitCode> {
  const out = createOutput();
  return withStores(out, options.json, async ({ tenants, store }) => {
    const revoked = await revokeAppTokens(tenants, options);
    const { tenant, clientId, notBefore } = revoked;
    await recordAppChange(store, revoked, 'app revoke-tokens', 'Patch', { tokensNotBefore: notBefore });
    if (options.json) {
      out.json({ tenantId: tenant.id, clientId, tokensNotBefore: notBefore });
      return 0;
    }
    out.line(`Revoked the access tokens of app ${clientId} of ${domainOf(tenant)} issued before ${notBefore}.`);
    out.line(`Running servers refuse them within ${APP_STATE_CACHE_SECONDS} seconds; the app's secrets still get new ones.`);
    return 0;
  });
}
