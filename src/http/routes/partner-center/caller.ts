// Who calls Partner Center (or Tarmac's OEM API, which shares its token audience and envelope), and on whose
// behalf: a bearer token for the Partner Center API (audience https://api.partnercenter.microsoft.com) of a tenant of
// the kind the API serves — a partner (CSP) on /v1, an OEM on /oem/v1 — and, on /v1/customers/{customer-id}/…, the
// relationship that customer accepted. A Graph token is refused with Partner Center's 401; a tenant of another kind
// with 403 2032; a customer without a relationship (or one that does not exist) with 403 code 20002.
// The token is an app's (client credentials: the app may do everything) or a signed-in user's (delegated, scope
// user_impersonation): the user's directory roles say what they may do (src/partners/agent-roles.ts: Global
// Administrator reads and writes, Global Reader only reads, other roles are refused), 403 900150 otherwise.
import type { FastifyRequest } from 'fastify';
import { AGENT_ROLE_HELP, agentAccessOf, requireRelationship, type AgentAccess, type Relationship } from '../../../partners/index.js';
import type { Tenant, TenantKind } from '../../../tenants/index.js';
import { PARTNER_CENTER_DELEGATED_SCOPE, verifyAccessToken, type AccessTokenClaims, type TokenRejection } from '../../../tokens/index.js';
import { PartnerCenterError } from '../../partner-center-errors.js';
import type { TarmacApp } from '../../types.js';

export interface PartnerCenterCaller {
  /** The caller's tenant: the partner (CSP) on Partner Center's routes, the OEM on the OEM API's. */
  partner: Tenant;
  /** The app's client id. */
  appId: string;
  /** The relationship with the customer of the path; null on routes without one. */
  relationship: Relationship | null;
  /** A signed-in user's (delegated) call: who, and what their directory roles let them do; null for an app's. */
  user: { id: string; userPrincipalName: string; access: AgentAccess } | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every Partner Center and OEM API route once the caller is authenticated. */
    partnerCenter: PartnerCenterCaller | null;
  }
}

const TOKEN_HELP = 'Request a token with scope https://api.partnercenter.microsoft.com/.default from POST /{tenant}/oauth2/v2.0/token.';

const REJECTIONS: Record<TokenRejection, string> = {
  Malformed: `The access token is not a valid JWT. ${TOKEN_HELP}`,
  Expired: `The access token has expired. ${TOKEN_HELP}`,
  NotYetValid: 'The access token is not valid yet. Check the clocks of this server and the token issuer.',
  InvalidSignature: `The access token was not issued by this server. ${TOKEN_HELP}`,
  InvalidAudience: `The access token's audience is not the Partner Center API (a Microsoft Graph token?). ${TOKEN_HELP}`,
  InvalidIssuer: `The access token's issuer is not valid. ${TOKEN_HELP}`,
  UnknownApp: `The access token's app (appid) is not an app of the token's tenant (tid): it was deleted, or never was. ${TOKEN_HELP}`,
  Revoked: `The access token was revoked: it was issued before the app's tokens were revoked (a secret of the app was deleted, or tarmac app revoke-tokens). ${TOKEN_HELP}`,
};

function unauthorized(code: number, message: string): PartnerCenterError {
  return new PartnerCenterError(401, code, message, [], { 'www-authenticate': 'Bearer realm="tarmac-partner-center"' });
}

/** The kinds of tenant Partner Center's token audience serves, and the API each calls. */
export type CallerKind = Extract<TenantKind, 'partner' | 'oem'>;

const API_OF: Record<TenantKind, string> = {
  partner: 'the Partner Center API (/v1)',
  oem: 'the OEM API (/oem/v1)',
  customer: 'Microsoft Graph',
};

function wrongKind(tenant: Tenant, kind: CallerKind): PartnerCenterError {
  if (kind === 'partner') {
    return new PartnerCenterError(
      403,
      2032,
      `Access denied: ${tenant.displayName} is ${tenant.kind === 'oem' ? 'an OEM (use the OEM API, /oem/v1)' : 'a customer tenant'}; ` +
        'the Partner Center API serves partner (CSP) tenants. Create one with: tarmac partner create --domain <domain>.',
    );
  }
  const what = tenant.kind === 'partner' ? 'a partner (CSP) tenant' : 'a customer tenant';
  return new PartnerCenterError(
    403,
    2032,
    `Access denied: ${tenant.displayName} is ${what} (use ${API_OF[tenant.kind]}); the OEM API serves OEM tenants. ` +
      'Create one with: tarmac oem create --domain <domain>.',
  );
}

/** The authenticated caller of the kind the API serves, or the 401/403 Partner Center answers. */
export async function authenticate(app: TarmacApp, request: FastifyRequest, kind: CallerKind): Promise<PartnerCenterCaller> {
  const header = request.headers.authorization;
  const token = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (token === undefined) throw unauthorized(400, `Access denied: the request has no 'Authorization: Bearer <token>' header. ${TOKEN_HELP}`);
  const check = await verifyAccessToken(app.keyRing, token, app.now(), 'partnerCenter', app.appTokenStates);
  if (!check.ok) throw unauthorized(900420, REJECTIONS[check.reason]);
  const tenant = await app.tenantsStore.tenants.findById(check.claims.tenantId);
  if (!tenant) throw unauthorized(900420, "The access token's tenant no longer exists.");
  if (tenant.kind !== kind) throw wrongKind(tenant, kind);
  const user = check.claims.kind === 'user' ? signedInUser(check.claims, request.method, tenant) : null;
  return { partner: tenant, appId: check.claims.appId, relationship: null, user };
}

const READS = new Set(['GET', 'HEAD']);

/** A delegated caller, once its roles allow the call (403 900150 otherwise: "caller's role lacks rights"). */
function signedInUser(claims: AccessTokenClaims, method: string, tenant: Tenant): NonNullable<PartnerCenterCaller['user']> {
  const upn = claims.user?.userPrincipalName ?? claims.objectId;
  if (!claims.scopes.includes(PARTNER_CENTER_DELEGATED_SCOPE)) {
    throw unauthorized(900420, `The access token of ${upn} does not carry the delegated scope ${PARTNER_CENTER_DELEGATED_SCOPE}. Sign in asking for https://api.partnercenter.microsoft.com/user_impersonation.`);
  }
  const access = agentAccessOf(claims.user?.roleTemplateIds ?? []);
  if (access === undefined) {
    throw new PartnerCenterError(
      403,
      900150,
      `Access denied: ${upn} has no directory role that Tarmac maps to a Partner Center agent role in ${tenant.displayName}. ` +
        `It needs ${AGENT_ROLE_HELP}; Intune Administrator gives none. A user's roles are given when it is created: tarmac user create --tenant <tenant> --upn <upn> --role 'Global Reader'.`,
    );
  }
  if (access === 'read' && !READS.has(method.toUpperCase())) {
    throw new PartnerCenterError(
      403,
      900150,
      `Access denied: ${upn} may only read (Global Reader); ${method.toUpperCase()} changes data and needs Global Administrator (Partner Center's Admin agent).`,
    );
  }
  return { id: claims.objectId, userPrincipalName: upn, access };
}

/** The authenticated partner (CSP), or the 401/403 Partner Center answers. */
export function authenticatePartner(app: TarmacApp, request: FastifyRequest): Promise<PartnerCenterCaller> {
  return authenticate(app, request, 'partner');
}

/** The caller's relationship with the customer of the path (403 20002 without one). */
export async function customerRelationship(app: TarmacApp, caller: PartnerCenterCaller, customerId: string): Promise<Relationship> {
  return requireRelationship(app.registry.store.relationships, caller.partner, customerId);
}

/** request.partnerCenter on a Partner Center or OEM API route (set by the scope's hook). */
export function partnerCenterCaller(request: FastifyRequest): NonNullable<FastifyRequest['partnerCenter']> {
  if (!request.partnerCenter) throw new Error(`${request.method} ${request.url} is not a Partner Center or OEM API route`);
  return request.partnerCenter;
}
