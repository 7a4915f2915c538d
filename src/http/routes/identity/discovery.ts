// OpenID Connect discovery and the signing keys (JWKS), at Entra's paths, so that clients and libraries that verify
// tokens (or look up the token endpoint) find Tarmac's.
import { Type } from '@sinclair/typebox';
import { issuerFor } from '../../../tokens/index.js';
import type { TarmacPlugin } from '../../types.js';
import { EntraErrorSchema } from '../../entra-errors.js';
import { TENANT_ALIASES, resolveTenant } from './resolve-tenant.js';

const TenantParams = Type.Object({
  tenant: Type.String({ description: 'Tenant id (GUID), one of its domains, or common / organizations' }),
});

const OpenIdConfiguration = Type.Object(
  {
    issuer: Type.String(),
    token_endpoint: Type.String(),
    jwks_uri: Type.String(),
    token_endpoint_auth_methods_supported: Type.Array(Type.String()),
    grant_types_supported: Type.Array(Type.String()),
    response_types_supported: Type.Array(Type.String()),
    subject_types_supported: Type.Array(Type.String()),
    id_token_signing_alg_values_supported: Type.Array(Type.String()),
    scopes_supported: Type.Array(Type.String()),
    claims_supported: Type.Array(Type.String()),
    tenant_region_scope: Type.Union([Type.String(), Type.Null()]),
    cloud_instance_name: Type.String(),
    msgraph_host: Type.String(),
  },
  { description: 'OpenID Connect discovery document (the subset Tarmac implements)' },
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
        const segment = tenantId === '{tenantid}' ? request.params.tenant.toLowerCase() : tenantId;
        return {
          issuer: issuerFor(tenantId),
          token_endpoint: version === 'v2.0' ? `${base}/${segment}/oauth2/v2.0/token` : `${base}/${segment}/oauth2/token`,
          jwks_uri: version === 'v2.0' ? `${base}/${segment}/discovery/v2.0/keys` : `${base}/${segment}/discovery/keys`,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
          grant_types_supported: ['client_credentials'],
          response_types_supported: ['token'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['https://graph.microsoft.com/.default'],
          claims_supported: ['aud', 'iss', 'iat', 'nbf', 'exp', 'appid', 'app_displayname', 'idtyp', 'oid', 'roles', 'sub', 'tid', 'ver'],
          tenant_region_scope: null,
          cloud_instance_name: 'tarmac',
          msgraph_host: new URL(base).host,
        };
      },
    );
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
