// The token endpoint, as Entra's: POST /{tenant}/oauth2/v2.0/token (and the v1 /{tenant}/oauth2/token with
// `resource`, client credentials only), form body or HTTP Basic client authentication. Tokens are for Microsoft Graph
// or for Partner Center, by the scope's (or resource's) name: an app's (client credentials) and a signed-in user's
// (authorization code, refresh token: one API per request, AADSTS28000 otherwise). Any tenant's app or user may get
// either (whether the caller may use Partner Center, i.e. is a partner, is for the Partner Center routes to say).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { CONSOLE_CLIENT_ID, authenticateClient, isGuid, type App, type Tenant } from '../../../tenants/index.js';
import {
  SignInError,
  authenticateTokenClient,
  redeemAuthorizationCode,
  redeemRefreshToken,
  GRAPH_APP_ID,
  GRAPH_RESOURCE,
  PARTNER_CENTER_APP_ID,
  PARTNER_CENTER_RESOURCE,
  issueAccessToken,
  TokenEndpointGuard,
  type TokenAudience,
} from '../../../tokens/index.js';
import type { TarmacApp, TarmacPlugin } from '../../types.js';
import { EntraError, EntraErrorSchema, entraErrors } from '../../entra-errors.js';
import { resolveTenant } from './resolve-tenant.js';

const TenantParams = Type.Object({
  tenant: Type.String({ description: 'Tenant id (GUID) or one of its domains, e.g. contoso.onmicrosoft.com' }),
});

const TokenRequest = Type.Object(
  {
    grant_type: Type.Optional(Type.String({ examples: ['client_credentials'] })),
    client_id: Type.Optional(Type.String({ description: 'Application (client) id' })),
    client_secret: Type.Optional(Type.String({ description: 'Client secret (or send client_id:client_secret as HTTP Basic)' })),
    scope: Type.Optional(Type.String({ examples: ['https://graph.microsoft.com/.default', 'https://api.partnercenter.microsoft.com/.default'] })),
  },
  { additionalProperties: true },
);

const TokenRequestV1 = Type.Object(
  {
    grant_type: Type.Optional(Type.String({ examples: ['client_credentials'] })),
    client_id: Type.Optional(Type.String()),
    client_secret: Type.Optional(Type.String()),
    resource: Type.Optional(Type.String({ examples: ['https://graph.microsoft.com', 'https://api.partnercenter.microsoft.com'] })),
  },
  { additionalProperties: true },
);

const TokenResponse = Type.Object({
  token_type: Type.Literal('Bearer'),
  scope: Type.Optional(Type.String({ description: 'Sign-in grants: the delegated permissions granted, and the OIDC scopes' })),
  expires_in: Type.Integer({ description: 'Seconds until the token expires' }),
  ext_expires_in: Type.Integer(),
  access_token: Type.String({ description: 'RS256 JWT for https://graph.microsoft.com or https://api.partnercenter.microsoft.com' }),
  refresh_token: Type.Optional(Type.String({ description: 'Sign-in grants with offline_access: single use, rotated on each refresh' })),
  refresh_token_expires_in: Type.Optional(Type.Integer()),
  id_token: Type.Optional(Type.String({ description: 'Sign-in grants with openid: v2.0 ID token for the client' })),
  client_info: Type.Optional(Type.String({ description: 'With client_info=1: base64url JSON {uid, utid} (MSAL’s account id)' })),
});

const TokenResponseV1 = Type.Object({
  token_type: Type.Literal('Bearer'),
  expires_in: Type.String(),
  ext_expires_in: Type.String(),
  expires_on: Type.String(),
  not_before: Type.String(),
  resource: Type.String(),
  access_token: Type.String(),
});

/** The API a token is requested for, by the resource as written in a scope or `resource` (compared lowercase). */
const RESOURCE_AUDIENCES = new Map<string, TokenAudience>([
  [GRAPH_RESOURCE, 'graph'],
  [`${GRAPH_RESOURCE}/`, 'graph'],
  [GRAPH_APP_ID, 'graph'],
  [PARTNER_CENTER_RESOURCE, 'partnerCenter'],
  [`${PARTNER_CENTER_RESOURCE}/`, 'partnerCenter'],
  [PARTNER_CENTER_APP_ID, 'partnerCenter'],
]);

/** The API `resource` names (throws Entra's unknown-resource error for any other). */
function audienceOf(resource: string, tenantParam: string): TokenAudience {
  const audience = RESOURCE_AUDIENCES.get(resource.toLowerCase());
  if (audience === undefined) throw entraErrors.unknownResource(resource, tenantParam);
  return audience;
}

const noStore = { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' };

function field(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw entraErrors.invalidRequest(`The parameter '${name}' must be given once, as a string.`);
  return value.trim() === '' ? undefined : value;
}

/** The form body, or an empty one when the request is not a form (Entra reads only forms). */
function formOf(request: FastifyRequest): Record<string, unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return {};
  return typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
}

/** RFC 6749 §2.3.1 form-encodes Basic credentials; a malformed escape is taken literally rather than failing. */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** client_id and client_secret from the body (client_secret_post) or an HTTP Basic header (client_secret_basic). */
function clientCredentials(request: FastifyRequest, body: Record<string, unknown>): { clientId?: string; clientSecret?: string } {
  let clientId = field(body, 'client_id');
  let clientSecret = field(body, 'client_secret');
  const header = request.headers.authorization;
  const basic = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (basic?.[1] && clientSecret === undefined) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      const id = formDecode(decoded.slice(0, colon));
      if (clientId !== undefined && clientId.toLowerCase() !== id.toLowerCase()) {
        throw entraErrors.invalidRequest('client_id in the body and in the Authorization header differ; send it once.');
      }
      clientId = id;
      clientSecret = formDecode(decoded.slice(colon + 1));
    }
  }
  return { clientId, clientSecret };
}

/** Checks the grant type and reads the client's credentials (throws the EntraError to answer with). */
function grantAndClient(request: FastifyRequest, body: Record<string, unknown>): { clientId: string; clientSecret: string | undefined } {
  const grant = field(body, 'grant_type');
  if (grant === undefined) throw entraErrors.missingParameter('grant_type');
  if (grant !== 'client_credentials') throw entraErrors.unsupportedGrant(grant);
  const { clientId, clientSecret } = clientCredentials(request, body);
  if (clientId === undefined) throw entraErrors.missingParameter('client_id');
  if (!isGuid(clientId.trim())) throw entraErrors.invalidClientId(clientId);
  return { clientId: clientId.trim().toLowerCase(), clientSecret };
}

/**
 * Counts a token request of `clientId` against the guard's budgets (per client, per tenant, v1 and v2 together) and
 * refuses a locked client id (throws the EntraError to answer with).
 */
function admit(app: TarmacApp, guard: TokenEndpointGuard, tenant: Tenant, clientId: string): void {
  const admission = guard.admit(tenant.id, clientId, app.now());
  if (admission.ok) return;
  const limits = app.tarmacConfig.tokenEndpoint;
  if (admission.reason === 'Locked') {
    throw entraErrors.clientLocked(clientId, limits.lockoutFailures, limits.lockoutSeconds, admission.retryAfterSeconds);
  }
  if (admission.reason === 'ClientThrottled') throw entraErrors.throttled(`client '${clientId}'`, limits.perClient, admission.retryAfterSeconds);
  throw entraErrors.throttled(`tenant ${tenant.id}`, limits.perTenant, admission.retryAfterSeconds);
}

/** The app these credentials authenticate (throws the EntraError to answer with; a failure counts towards the lockout). */
async function checkSecret(
  app: TarmacApp,
  guard: TokenEndpointGuard,
  tenant: Tenant,
  clientId: string,
  clientSecret: string | undefined,
  tenantParam: string,
): Promise<App> {
  if (clientSecret === undefined) throw entraErrors.missingSecret();
  const result = await authenticateClient(app.tenantsStore, tenant, clientId, clientSecret, app.now());
  if (!result.ok) {
    // The console has no secret to guess: its failures would only let anyone lock a tenant's users out of it.
    if (clientId !== CONSOLE_CLIENT_ID) guard.failed(tenant.id, clientId, app.now());
    if (result.reason === 'UnknownClient') throw entraErrors.unknownClient(clientId, tenantParam);
    if (result.reason === 'ExpiredSecret') throw entraErrors.expiredSecret(clientId);
    throw entraErrors.invalidSecret(clientId);
  }
  return result.app;
}

/** The API of a client-credentials scope (`<resource>/.default`): Microsoft Graph or Partner Center. */
function scopeAudience(scope: string | undefined, tenantParam: string): TokenAudience {
  if (scope === undefined) throw entraErrors.missingParameter('scope');
  const scopes = scope.split(/\s+/).filter((s) => s !== '');
  const only = scopes[0];
  if (scopes.length !== 1 || only === undefined || !only.toLowerCase().endsWith('/.default')) throw entraErrors.invalidScope(scope);
  return audienceOf(only.slice(0, -'/.default'.length), tenantParam);
}

/** The sign-in grants' client authentication failures that count towards the lockout: unknown app, wrong secret. */
const CLIENT_AUTH_FAILURES = new Set([700016, 7000215]);

/**
 * grant_type=authorization_code or refresh_token (a user's sign-in, authorize.ts). A browser app on another origin
 * redeems its codes cross-origin (MSAL for browsers does): the response allows the origin of one of the app's redirect
 * URIs, errors included, so that MSAL can read them.
 */
async function userGrant(
  app: TarmacApp,
  guard: TokenEndpointGuard,
  request: FastifyRequest,
  reply: FastifyReply,
  tenant: Tenant,
  body: Record<string, unknown>,
  grant: string,
) {
  const { clientId, clientSecret } = clientCredentials(request, body);
  if (clientId === undefined) throw entraErrors.missingParameter('client_id');
  if (!isGuid(clientId.trim())) throw entraErrors.invalidClientId(clientId);
  const id = clientId.trim().toLowerCase();
  admit(app, guard, tenant, id);
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const registered = await app.tenantsStore.apps.findByClientId(tenant.id, id);
    if (registered?.redirectUris.some((uri) => new URL(uri).origin === origin)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    }
  }
  const deps = { store: app.tenantsStore, keyRing: app.keyRing };
  const now = app.now();
  const withClientInfo = field(body, 'client_info') === '1';
  try {
    const client = await authenticateTokenClient(app.tenantsStore, tenant, { clientId: id, clientSecret }, now);
    if (grant === 'authorization_code') {
      const code = field(body, 'code');
      if (code === undefined) throw entraErrors.missingParameter('code');
      return await redeemAuthorizationCode(
        deps,
        tenant,
        client,
        { code, redirectUri: field(body, 'redirect_uri'), codeVerifier: field(body, 'code_verifier'), scope: field(body, 'scope'), clientInfo: withClientInfo },
        now,
      );
    }
    const refreshToken = field(body, 'refresh_token');
    if (refreshToken === undefined) throw entraErrors.missingParameter('refresh_token');
    return await redeemRefreshToken(deps, tenant, client, { refreshToken, scope: field(body, 'scope'), clientInfo: withClientInfo }, now);
  } catch (err) {
    if (err instanceof SignInError && CLIENT_AUTH_FAILURES.has(err.aadsts)) guard.failed(tenant.id, id, app.now());
    if (err instanceof SignInError) throw new EntraError(err.error === 'invalid_client' ? 401 : 400, err.error, err.aadsts, err.message);
    throw err;
  }
}

export const tokenRoutes: TarmacPlugin = async (app) => {
  // One guard for both endpoints, whatever tenant name the path uses (see token-endpoint-guard.ts).
  const guard = new TokenEndpointGuard(app.tarmacConfig.tokenEndpoint);

  app.post(
    '/:tenant/oauth2/v2.0/token',
    {
      schema: {
        tags: ['identity'],
        summary: 'Get an access token (client credentials, or a signed-in user’s code or refresh token), like Entra ID',
        description:
          'Form body: grant_type=client_credentials, client_id, client_secret, scope=https://graph.microsoft.com/.default ' +
          '(or https://api.partnercenter.microsoft.com/.default for Partner Center). ' +
          'Sign-in: grant_type=authorization_code with code, redirect_uri, code_verifier (PKCE), client_id (and client_secret ' +
          'for confidential apps), client_info=1; grant_type=refresh_token with refresh_token (rotated on each use). ' +
          'A sign-in grant’s scope names one API (AADSTS28000 otherwise): Graph permissions, or ' +
          'https://api.partnercenter.microsoft.com/user_impersonation for a delegated Partner Center token; a refresh token got for either ' +
          'is redeemed for the other. ' +
          'Answers Entra-shaped errors (AADSTS codes).',
        consumes: ['application/x-www-form-urlencoded'],
        params: TenantParams,
        body: TokenRequest,
        response: { 200: TokenResponse, 400: EntraErrorSchema, 401: EntraErrorSchema },
      },
    },
    async (request, reply) => {
      const tenant = await resolveTenant(app.tenantsStore, request.params.tenant);
      const body = formOf(request);
      const grant = field(body, 'grant_type');
      if (grant === 'authorization_code' || grant === 'refresh_token') {
        const tokens = await userGrant(app, guard, request, reply, tenant, body, grant);
        return reply.headers(noStore).send(tokens);
      }
      const { clientId, clientSecret } = grantAndClient(request, body);
      admit(app, guard, tenant, clientId);
      const audience = scopeAudience(field(body, 'scope'), request.params.tenant);
      const client = await checkSecret(app, guard, tenant, clientId, clientSecret, request.params.tenant);
      const token = await issueAccessToken(app.keyRing, { tenant, app: client }, app.now(), audience);
      return reply.headers(noStore).send({
        token_type: 'Bearer' as const,
        expires_in: token.expiresIn,
        ext_expires_in: token.expiresIn,
        access_token: token.accessToken,
      });
    },
  );

  app.post(
    '/:tenant/oauth2/token',
    {
      schema: {
        tags: ['identity'],
        summary: 'Get an access token with the v1 endpoint (resource instead of scope)',
        description:
          'Form body: grant_type=client_credentials, client_id, client_secret, resource=https://graph.microsoft.com ' +
          '(or https://api.partnercenter.microsoft.com for Partner Center).',
        consumes: ['application/x-www-form-urlencoded'],
        params: TenantParams,
        body: TokenRequestV1,
        response: { 200: TokenResponseV1, 400: EntraErrorSchema, 401: EntraErrorSchema },
      },
    },
    async (request, reply) => {
      const tenant = await resolveTenant(app.tenantsStore, request.params.tenant);
      const body = formOf(request);
      const { clientId, clientSecret } = grantAndClient(request, body);
      admit(app, guard, tenant, clientId);
      const resource = field(body, 'resource');
      if (resource === undefined) throw entraErrors.missingParameter('resource');
      const audience = audienceOf(resource, request.params.tenant);
      const client = await checkSecret(app, guard, tenant, clientId, clientSecret, request.params.tenant);
      const token = await issueAccessToken(app.keyRing, { tenant, app: client }, app.now(), audience);
      return reply.headers(noStore).send({
        token_type: 'Bearer' as const,
        expires_in: String(token.expiresIn),
        ext_expires_in: String(token.expiresIn),
        expires_on: String(token.expiresOn),
        not_before: String(token.notBefore),
        resource,
        access_token: token.accessToken,
      });
    },
  );
};
