// OpenID Connect discovery, instance discovery and the signing keys (JWKS), at Entra's paths and in Entra's shape, so
// that clients and libraries that verify tokens or find the token endpoint from discovery (MSAL, hence
// @azure/identity) work against Tarmac. MSAL accepts a discovery document only with authorization_endpoint,
// token_endpoint, issuer and jwks_uri; Tarmac announces every endpoint Entra's document has, on its own origin. The
// v2.0 authorization endpoint signs users in (authorize.ts); the other interactive endpoints (v1 authorize, device
// code, Kerberos) answer an Entra-shaped "not supported" error; logout answers that there is nothing to sign out of
// (Tarmac keeps no sessions).
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { GRAPH_RESOURCE, PARTNER_CENTER_RESOURCE, issuerFor } from '../../../tokens/index.js';
import type { TarmacPlugin } from '../../types.js';
import { EntraErrorSchema, entraErrors } from '../../entra-errors.js';
import { TENANT_ALIASES, resolveTenant } from './resolve-tenant.js';

const TenantParams = Type.Object({
  tenant: Type.String({ description: 'Tenant id (GUID), one of its domains, or common / organizations' }),
});

const OpenIdConfiguration = Type.Object(
  {
    token_endpoint: Type.String(),
    token_endpoint_auth_methods_supported: Type.Array(Type.String()),
    jwks_uri: Type.String(),
    response_modes_supported: Type.Array(Type.String()),
    subject_types_supported: Type.Array(Type.String()),
    id_token_signing_alg_values_supported: Type.Array(Type.String()),
    response_types_supported: Type.Array(Type.String()),
    grant_types_supported: Type.Array(Type.String()),
    code_challenge_methods_supported: Type.Optional(Type.Array(Type.String({ description: 'v2.0 only: PKCE, S256 only' }))),
    scopes_supported: Type.Array(Type.String()),
    issuer: Type.String(),
    request_uri_parameter_supported: Type.Boolean(),
    authorization_endpoint: Type.String({ description: 'v2.0: sign-in (authorization code flow with PKCE); v1: announced for MSAL, answers "not supported"' }),
    device_authorization_endpoint: Type.String(),
    http_logout_supported: Type.Boolean(),
    frontchannel_logout_supported: Type.Boolean(),
    end_session_endpoint: Type.String(),
    claims_supported: Type.Array(Type.String()),
    kerberos_endpoint: Type.String(),
    tenant_region_scope: Type.Union([Type.String(), Type.Null()]),
    cloud_instance_name: Type.String(),
    cloud_graph_host_name: Type.String(),
    msgraph_host: Type.String(),
    rbac_url: Type.String(),
  },
  { description: 'OpenID Connect discovery document, in Entra’s shape, every endpoint on this server' },
);

const InstanceDiscovery = Type.Object(
  {
    tenant_discovery_endpoint: Type.String(),
    'api-version': Type.String(),
    metadata: Type.Array(
      Type.Object({ preferred_network: Type.String(), preferred_cache: Type.String(), aliases: Type.Array(Type.String()) }),
    ),
  },
  { description: 'Entra’s instance discovery answer: this server is its own cloud, known by one host name' },
);

const InstanceQuery = Type.Object(
  {
    'api-version': Type.Optional(Type.String({ examples: ['1.1'] })),
    authorization_endpoint: Type.Optional(Type.String({ examples: ['https://tarmac.example.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize'] })),
  },
  { additionalProperties: true },
);

const Jwks = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.String(),
      use: Type.String(),
      alg: Type.String(),
      kid: Type.String(),
      n: Type.String(),
      e: Type.String(),
    }),
  ),
});

export const discoveryRoutes: TarmacPlugin = async (app) => {
  /**
   * The tenant id for a discovery URL: the tenant's id, or Entra's `{tenantid}` placeholder for common /
   * organizations (their documents are templates).
   */
  async function tenantIdFor(param: string): Promise<string> {
    if (TENANT_ALIASES.has(param.toLowerCase())) return '{tenantid}';
    return (await resolveTenant(app.tenantsStore, param, 'invalid_tenant')).id;
  }

  for (const version of ['v2.0', 'v1'] as const) {
    const prefix = version === 'v2.0' ? '/:tenant/v2.0' : '/:tenant';
    app.get(
      `${prefix}/.well-known/openid-configuration`,
      {
        schema: {
          tags: ['identity'],
          summary: `OpenID Connect discovery (${version} endpoint)`,
          params: TenantParams,
          response: { 200: OpenIdConfiguration, 400: EntraErrorSchema },
        },
      },
      async (request) => {
        const tenantId = await tenantIdFor(request.params.tenant);
        const base = app.baseUrl(request);
        const host = new URL(base).host;
        const segment = tenantId === '{tenantid}' ? request.params.tenant.toLowerCase() : tenantId;
        const oauth2 = version === 'v2.0' ? `${base}/${segment}/oauth2/v2.0` : `${base}/${segment}/oauth2`;
        const v2 = version === 'v2.0';
        return {
          token_endpoint: `${oauth2}/token`,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
          jwks_uri: version === 'v2.0' ? `${base}/${segment}/discovery/v2.0/keys` : `${base}/${segment}/discovery/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          response_types_supported: v2 ? ['code'] : ['token'],
          grant_types_supported: v2 ? ['authorization_code', 'refresh_token', 'client_credentials'] : ['client_credentials'],
          ...(v2 ? { code_challenge_methods_supported: ['S256'] } : {}),
          scopes_supported: [
            ...(v2 ? ['openid', 'profile', 'email', 'offline_access'] : []),
            `${GRAPH_RESOURCE}/.default`,
            `${PARTNER_CENTER_RESOURCE}/.default`,
          ],
          // One issuer for every token Tarmac signs, access and ID tokens alike (access-tokens.ts, user-tokens.ts).
          issuer: issuerFor(tenantId),
          request_uri_parameter_supported: false,
          authorization_endpoint: `${oauth2}/authorize`,
          device_authorization_endpoint: `${oauth2}/devicecode`,
          http_logout_supported: false,
          frontchannel_logout_supported: false,
          end_session_endpoint: `${oauth2}/logout`,
          claims_supported: v2
            ? ['aud', 'iss', 'iat', 'nbf', 'exp', 'appid', 'app_displayname', 'idtyp', 'oid', 'roles', 'sub', 'tid', 'ver', 'name', 'nonce', 'preferred_username', 'scp', 'upn', 'wids']
            : ['aud', 'iss', 'iat', 'nbf', 'exp', 'appid', 'app_displayname', 'idtyp', 'oid', 'roles', 'sub', 'tid', 'ver'],
          kerberos_endpoint: `${base}/${segment}/kerberos`,
          tenant_region_scope: null,
          cloud_instance_name: 'tarmac',
          cloud_graph_host_name: host,
          msgraph_host: host,
          rbac_url: base,
        };
      },
    );
  }

  // Instance discovery ("is this host an Entra cloud, and by which names?"), in Entra's shape, for clients pointed at
  // Tarmac's own `/common/discovery/instance` (e.g. as a cloudDiscoveryMetadata source). MSAL for JavaScript asks
  // Microsoft's host, never the authority's: a Tarmac authority must be in its knownAuthorities (what
  // @azure/identity's disableInstanceDiscovery: true does), or the answer of this route given as cloudDiscoveryMetadata.
  app.get(
    '/:tenant/discovery/instance',
    {
      schema: {
        tags: ['identity'],
        summary: 'Instance discovery, like Entra’s (MSAL’s authority validation)',
        params: TenantParams,
        querystring: InstanceQuery,
        response: { 200: InstanceDiscovery, 400: EntraErrorSchema },
      },
    },
    async (request) => {
      const host = new URL(app.baseUrl(request)).host;
      const given = request.query.authorization_endpoint;
      let tenant = request.params.tenant;
      let v1 = false;
      if (given !== undefined) {
        let url: URL;
        try {
          url = new URL(given);
        } catch {
          throw entraErrors.invalidInstance(given, host);
        }
        if (url.host.toLowerCase() !== host.toLowerCase()) throw entraErrors.invalidInstance(given, host);
        const segments = url.pathname.split('/').filter((s) => s !== '');
        try {
          tenant = decodeURIComponent(segments[0] ?? tenant);
        } catch {
          throw entraErrors.invalidInstance(given, host); // a malformed escape in the tenant segment
        }
        v1 = !segments.includes('v2.0');
      }
      if (!TENANT_ALIASES.has(tenant.toLowerCase())) await resolveTenant(app.tenantsStore, tenant, 'invalid_tenant');
      const base = app.baseUrl(request);
      return {
        tenant_discovery_endpoint: `${base}/${tenant}${v1 ? '' : '/v2.0'}/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      };
    },
  );

  // The endpoints of interactive sign-in that the documents announce: not served yet, answered as such.
  const unsupported: { path: string; methods: ('GET' | 'POST')[]; summary: string; error: string; what: string }[] = [
    { path: '/:tenant/oauth2/authorize', methods: ['GET', 'POST'], summary: 'Sign-in (v1 authorization endpoint): not supported (use /oauth2/v2.0/authorize)', error: 'unsupported_response_type', what: 'Interactive sign-in at the v1 authorization endpoint' },
    { path: '/:tenant/oauth2/v2.0/devicecode', methods: ['POST'], summary: 'Device code flow: not supported', error: 'invalid_request', what: 'The device code flow' },
    { path: '/:tenant/oauth2/devicecode', methods: ['POST'], summary: 'Device code flow (v1): not supported', error: 'invalid_request', what: 'The device code flow' },
    { path: '/:tenant/kerberos', methods: ['GET', 'POST'], summary: 'Kerberos: not supported', error: 'invalid_request', what: 'Kerberos' },
  ];
  for (const route of unsupported) {
    app.route({
      method: route.methods,
      url: route.path,
      schema: {
        tags: ['identity'],
        summary: route.summary,
        description: 'Announced in the discovery documents (MSAL requires an authorization endpoint); answers an Entra-shaped 400.',
        params: TenantParams,
        response: { 400: EntraErrorSchema },
      },
      handler: async (request: FastifyRequest<{ Params: { tenant: string } }>) => {
        await tenantIdFor(request.params.tenant);
        throw entraErrors.notSupported(route.error, route.what);
      },
    });
  }

  for (const path of ['/:tenant/oauth2/v2.0/logout', '/:tenant/oauth2/logout']) {
    app.route({
      method: ['GET', 'POST'],
      url: path,
      schema: {
        tags: ['identity'],
        summary: 'Sign-out (end session endpoint)',
        description: 'Tarmac keeps no sign-in sessions, so there is nothing to end: answers 200 saying so.',
        params: TenantParams,
        response: { 200: Type.String(), 400: EntraErrorSchema },
      },
      handler: async (request: FastifyRequest<{ Params: { tenant: string } }>, reply) => {
        await tenantIdFor(request.params.tenant);
        return reply
          .header('cache-control', 'no-store')
          .type('text/plain; charset=utf-8')
          .send('Signed out. Tarmac keeps no sign-in sessions: an app forgets its tokens to sign out (refresh tokens expire, or are revoked when reused).\n');
      },
    });
  }

  for (const path of ['/:tenant/discovery/v2.0/keys', '/:tenant/discovery/keys']) {
    app.get(
      path,
      {
        schema: {
          tags: ['identity'],
          summary: 'Token signing keys (JWKS)',
          params: TenantParams,
          response: { 200: Jwks, 400: EntraErrorSchema },
        },
      },
      async (request, reply) => {
        await tenantIdFor(request.params.tenant);
        reply.header('cache-control', 'max-age=3600, public');
        return app.keyRing.jwks();
      },
    );
  }
};
