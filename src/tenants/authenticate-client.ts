// Client credentials: does this client id belong to this tenant, and is this its secret?
import type { App, Tenant, TenantsStore } from './ports.js';
import { secretHint, verifyClientSecret } from './secrets.js';

export type ClientAuthFailure = 'UnknownClient' | 'InvalidSecret' | 'ExpiredSecret';

export type ClientAuthResult = { ok: true; app: App } | { ok: false; reason: ClientAuthFailure };

/** A valid hash of nothing anyone knows, verified when no stored secret is a candidate so that timing says little. */
const DECOY_HASH = 'scrypt$N=16384,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export async function authenticateClient(
  store: Pick<TenantsStore, 'apps'>,
  tenant: Tenant,
  clientId: string,
  clientSecret: string,
  now: Date = new Date(),
): Promise<ClientAuthResult> {
  const app = await store.apps.findByClientId(tenant.id, clientId.trim().toLowerCase());
  if (!app) return { ok: false, reason: 'UnknownClient' };

  // Only secrets whose hint matches can match; scrypt the candidates (at least one, a decoy if need be).
  const candidates = app.secrets.filter((s) => s.hint === secretHint(clientSecret));
  if (candidates.length === 0) {
    await verifyClientSecret(clientSecret, DECOY_HASH);
    return { ok: false, reason: 'InvalidSecret' };
  }
  for (const secret of candidates) {
    if (await verifyClientSecret(clientSecret, secret.hash)) {
      if (secret.expiresAt !== null && secret.expiresAt <= now.toISOString()) return { ok: false, reason: 'ExpiredSecret' };
      const { secrets: _secrets, ...rest } = app;
      return { ok: true, app: rest };
    }
  }
  return { ok: false, reason: 'InvalidSecret' };
}
