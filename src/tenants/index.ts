// The tenants domain: tenants and their domains, apps and secrets. Signing keys and access tokens are src/tokens.
export * from './ports.js';
export { TenantsError, type TenantsErrorCode } from './errors.js';
export { normalizeDomain, isGuid } from './domain-names.js';
export {
  GRAPH_APP_ROLES,
  DEFAULT_APP_ROLES,
  normalizeRoles,
  DIRECTORY_ROLES,
  DIRECTORY_ROLE_NAMES,
  normalizeDirectoryRoles,
  permissionsOfDirectoryRoles,
  templateIdsOf,
  type GraphAppRole,
  type DirectoryRole,
} from './roles.js';
export { createUser, authenticateUser, generatePassword, type CreateUserInput, type CreatedUser } from './users.js';
export { generateClientSecret, hashClientSecret, verifyClientSecret, secretHint } from './secrets.js';
export { findTenant } from './find-tenant.js';
export { createTenant, defaultDisplayName, type CreateTenantInput, type CreatedTenant } from './create-tenant.js';
export { createDemoTenantIfEmpty, DEMO_DOMAIN, DEMO_DISPLAY_NAME, DEMO_ADMIN_UPN, type CreatedDemoTenant } from './create-demo-tenant.js';
export { createApp, addApp, DEFAULT_APP_NAME, type CreateAppInput, type CreatedApp } from './create-app.js';
export { addAppSecret, deleteApp, deleteAppSecret, revokeAppTokens } from './app-revocation.js';
export { authenticateClient, type ClientAuthFailure, type ClientAuthResult } from './authenticate-client.js';
export {
  CONSOLE_CLIENT_ID,
  CONSOLE_DISPLAY_NAME,
  consoleApp,
  consoleRedirectUris,
  withFirstPartyApps,
  isRegisteredRedirectUri,
} from './first-party-apps.js';
