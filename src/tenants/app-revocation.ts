// An app's secrets and taking its access away: adding a secret (to roll one over: add, switch, then delete the old
// one), deleting the app, deleting one of its secrets, or revoking its tokens outright. Access
// tokens are self-contained JWTs, so revocation is a per-app "not before" (apps.tokens_not_before): tokens issued
// (`iat`) in an earlier second are refused by every server within src/tokens/token-subjects.ts's cache time. A
// deleted app needs none: tokens naming it fail the existence check. Refresh tokens need nothing either: redeeming
// one authenticates the client again.
import { randomUUID } from 'node:crypto';
import { TenantsError } from './errors.js';
import { findTenant } from './find-tenant.js';
import type { AppSecret, Tenant, TenantsStore } from './ports.js';
import { generateClientSecret, hashClientSecret, secretHint } from './secrets.js';
import { CONSOLE_CLIENT_ID } from './first-party-apps.js';

async function tenantOf(store: TenantsStore, tenant: string): Promise<Tenant> {
  const found = await findTenant(store, tenant);
  if (!found) throw new TenantsError('TenantNotFound', `No tenant '${tenant}'. Give its tenant id or domain (list them with \`tarmac tenant list\`).`);
  return found;
}

function appNotFound(clientId: string, tenant: Tenant): TenantsError {
  const name = tenant.domains[0]?.name ?? tenant.id;
  if (clientId === CONSOLE_CLIENT_ID) return new TenantsError('AppNotFound', `${clientId} is the Tarmac console, a first-party app of every tenant: it cannot be deleted or revoked.`);
  return new TenantsError('AppNotFound', `Tenant ${name} has no app with client id '${clientId}'.`);
}

/** The time a revocation at `now` is stored as: whole seconds, as `iat` is (tokens of earlier seconds are refused). */
function revocationTime(now: Date): string {
  return new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
}

/** Deletes the app and its secrets; its tokens stop working (they name an app the tenant no longer has). */
export async function deleteApp(store: TenantsStore, input: { tenant: string; clientId: string }): Promise<{ tenant: Tenant; appId: string; clientId: string }> {
  const tenant = await tenantOf(store, input.tenant);
  const clientId = input.clientId.trim().toLowerCase();
  const app = await store.apps.findByClientId(tenant.id, clientId);
  if (!app || !(await store.apps.delete(tenant.id, clientId))) throw appNotFound(clientId, tenant);
  return { tenant, appId: app.id, clientId };
}

/** Refuses every access token of the app issued before `now` (whole seconds). */
export async function revokeAppTokens(
  store: TenantsStore,
  input: { tenant: string; clientId: string; now?: Date },
): Promise<{ tenant: Tenant; appId: string; clientId: string; notBefore: string }> {
  const tenant = await tenantOf(store, input.tenant);
  const clientId = input.clientId.trim().toLowerCase();
  const notBefore = revocationTime(input.now ?? new Date());
  const app = await store.apps.findByClientId(tenant.id, clientId);
  if (!app || !(await store.apps.setTokensNotBefore(tenant.id, clientId, notBefore))) throw appNotFound(clientId, tenant);
  return { tenant, appId: app.id, clientId, notBefore };
}

/** Deletes one secret of the app and revokes the app's tokens issued before `now`, in one transaction. */
export async function deleteAppSecret(
  store: TenantsStore,
  input: { tenant: string; clientId: string; secretId: string; now?: Date },
): Promise<{ tenant: Tenant; appId: string; clientId: string; notBefore: string }> {
  const tenant = await tenantOf(store, input.tenant);
  const clientId = input.clientId.trim().toLowerCase();
  const notBefore = revocationTime(input.now ?? new Date());
  return store.transaction(async (tx) => {
    const app = await tx.apps.findByClientId(tenant.id, clientId);
    if (!app) throw appNotFound(clientId, tenant);
    const secretId = input.secretId.trim().toLowerCase();
    if (!(await tx.apps.deleteSecret(app.id, secretId))) {
      throw new TenantsError('SecretNotFound', `App '${clientId}' has no secret with id '${input.secretId}'.`);
    }
    await tx.apps.setTokensNotBefore(tenant.id, clientId, notBefore);
    return { tenant, appId: app.id, clientId, notBefore };
  });
}

/**
 * Adds a secret to the app and returns it, the only time it is known (Tarmac keeps its scrypt hash). The app's other
 * secrets and tokens stay valid. The hash is computed before the write, as createApp does.
 */
export async function addAppSecret(
  store: TenantsStore,
  input: { tenant: string; clientId: string; expiresAt?: Date; now?: Date },
): Promise<{ tenant: Tenant; appId: string; clientId: string; secretId: string; clientSecret: string; expiresAt: string | null }> {
  const tenant = await tenantOf(store, input.tenant);
  const clientId = input.clientId.trim().toLowerCase();
  const app = await store.apps.findByClientId(tenant.id, clientId);
  if (!app || app.publicClient) {
    if (app?.publicClient) throw new TenantsError('AppNotFound', `App '${clientId}' is a public client: it has no secrets.`);
    throw appNotFound(clientId, tenant);
  }
  const clientSecret = generateClientSecret();
  const now = input.now ?? new Date();
  if (input.expiresAt && input.expiresAt <= now) throw new TenantsError('InvalidExpiry', `The secret's expiry ${input.expiresAt.toISOString()} is not in the future.`);
  const secret: AppSecret = {
    id: randomUUID(),
    appId: app.id,
    hint: secretHint(clientSecret),
    hash: await hashClientSecret(clientSecret),
    createdAt: now.toISOString(),
    expiresAt: input.expiresAt ? input.expiresAt.toISOString() : null,
  };
  await store.apps.insertSecret(secret);
  return { tenant, appId: app.id, clientId, secretId: secret.id, clientSecret, expiresAt: secret.expiresAt };
}
