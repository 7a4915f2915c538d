// Which paths belong to the APIs and which to the web console: first path segments the console never owns (Graph,
// Partner Center, OEM, OOBE, docs, Entra's multi-tenant aliases), and the tenant-scoped identity endpoints
// (/{tenant}/oauth2/…, /{tenant}/v2.0/…, /{tenant}/discovery/…). The server answers a browser's navigation anywhere
// else with the console (routes/console.ts); Vite's dev server proxies exactly these to the API (web/vite.config.ts).
export const API_FIRST_SEGMENTS = ['v1.0', 'beta', 'v1', 'oem', 'oobe', 'tarmac', 'docs', 'openapi.json', 'health', 'common', 'organizations', 'consumers'] as const;

export const TENANT_IDENTITY_PATH = /^\/[^/]+\/(oauth2|v2\.0|discovery|\.well-known|federationmetadata)(\/|$)/i;
