// Tarmac's first-party apps: apps that exist in every tenant without being registered there, as Microsoft's own
// portals do in Entra (the Intune admin center signs users of any tenant in with one well-known client id). Today
// there is one, the web console: a public client (PKCE, no secret) with no application permissions, whose redirect
// URIs are the loopback addresses (any port, as Entra ignores the port of a loopback redirect URI) and the server's
// public URL when TARMAC_PUBLIC_URL sets one. Its users get the delegated permissions their directory roles allow.
import type { App, AppRepository, AppWithSecrets } from './ports.js';

/** The console's client id, the same in every tenant. */
export const CONSOLE_CLIENT_ID = '7a5e0c1d-3b2f-4e8a-9c6d-1f0b2a3c4d5e';
export const CONSOLE_DISPLAY_NAME = 'Tarmac console';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** The console's redirect URIs: `http://<loopback>/` and `<publicBaseUrl>/`. */
export function consoleRedirectUris(publicBaseUrl: string | undefined): string[] {
  const uris = LOOPBACK_HOSTS.map((host) => `http://${host}/`);
  if (publicBaseUrl !== undefined) uris.push(`${publicBaseUrl.replace(/\/+$/, '')}/`);
  return uris;
}

/** The console as an App of `tenantId` (its object id is derived from nothing secret; it has no secrets). */
export function consoleApp(tenantId: string, publicBaseUrl: string | undefined): App {
  return {
    id: CONSOLE_CLIENT_ID,
    tenantId,
    clientId: CONSOLE_CLIENT_ID,
    displayName: CONSOLE_DISPLAY_NAME,
    roles: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    redirectUris: consoleRedirectUris(publicBaseUrl),
    publicClient: true,
  };
}

/** An AppRepository in which the first-party apps are found in every tenant (they are never listed or stored). */
export function withFirstPartyApps(apps: AppRepository, publicBaseUrl: string | undefined): AppRepository {
  return {
    insert: (app) => apps.insert(app),
    insertSecret: (secret) => apps.insertSecret(secret),
    listByTenant: (tenantId) => apps.listByTenant(tenantId),
    async findByClientId(tenantId, clientId): Promise<AppWithSecrets | undefined> {
      if (clientId.toLowerCase() === CONSOLE_CLIENT_ID) return { ...consoleApp(tenantId, publicBaseUrl), secrets: [] };
      return apps.findByClientId(tenantId, clientId);
    },
    // The console's tokens are never revoked by app: it is one client id shared by every tenant.
    async tokenState(tenantId, clientId) {
      if (clientId.toLowerCase() === CONSOLE_CLIENT_ID) return { tokensNotBefore: null };
      return apps.tokenState(tenantId, clientId);
    },
    delete: (tenantId, clientId) => apps.delete(tenantId, clientId),
    deleteSecret: (appId, secretId) => apps.deleteSecret(appId, secretId),
    setTokensNotBefore: (tenantId, clientId, at) => apps.setTokensNotBefore(tenantId, clientId, at),
  };
}

/**
 * Whether `requested` is one of `registered`, as Entra compares redirect URIs: exactly, except that for an http
 * loopback URI (127.0.0.1, localhost, [::1]) the port is ignored (RFC 8252 §7.3: native and local apps get an
 * ephemeral port).
 */
export function isRegisteredRedirectUri(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  const want = loopbackWithoutPort(requested);
  return want !== undefined && registered.some((uri) => loopbackWithoutPort(uri) === want);
}

function loopbackWithoutPort(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.includes(url.hostname) || url.username !== '' || url.password !== '') return undefined;
  return `http://${url.hostname}${url.pathname}${url.search}`;
}
