// Bearer-token authentication and role checks for Graph routes, answering as Graph does: 401
// InvalidAuthenticationToken, 403 Authorization_RequestDenied, both in Graph's error envelope.
import type { FastifyRequest } from 'fastify';
import { verifyAccessToken, type TokenRejection } from '../../tokens/index.js';
import { GraphError } from '../graph-errors.js';
import { unencapsulated, type AuthContext, type TarmacPlugin } from '../types.js';

const TOKEN_HELP = 'Get one from POST /{tenant}/oauth2/v2.0/token with scope https://graph.microsoft.com/.default.';

const REJECTION_MESSAGES: Record<TokenRejection, string> = {
  Malformed: `Access token is not a valid JWT. ${TOKEN_HELP}`,
  Expired: `Access token has expired or is not yet valid. ${TOKEN_HELP}`,
  NotYetValid: 'Access token has expired or is not yet valid. Check the clocks of this server and the token issuer.',
  InvalidSignature: `Access token validation failure. Invalid signature: this server did not issue the token. ${TOKEN_HELP}`,
  InvalidAudience: 'Access token validation failure. Invalid audience: request the scope https://graph.microsoft.com/.default.',
  InvalidIssuer: `Access token validation failure. Invalid issuer. ${TOKEN_HELP}`,
  UnknownApp: `Access token validation failure. The token's app (appid) is not an app of the token's tenant (tid): it was deleted, or never was. ${TOKEN_HELP}`,
  Revoked: `Access token validation failure. The token was revoked: it was issued before the app's tokens were revoked (a secret of the app was deleted, or tarmac app revoke-tokens). ${TOKEN_HELP}`,
};

function unauthorized(message: string, withError: boolean): GraphError {
  const challenge = withError ? `Bearer realm="tarmac", error="invalid_token", error_description="${message.replace(/["\\]/g, '')}"` : 'Bearer realm="tarmac"';
  return new GraphError(401, 'InvalidAuthenticationToken', message, { 'www-authenticate': challenge });
}

/** The bearer token of a request, or undefined when there is none. */
function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

export const auth: TarmacPlugin = unencapsulated(async (app) => {
  app.decorateRequest('auth', null);

  async function authenticate(request: FastifyRequest): Promise<AuthContext> {
    const token = bearerToken(request);
    if (token === undefined) {
      throw unauthorized(`Access token is empty. Send 'Authorization: Bearer <token>'. ${TOKEN_HELP}`, false);
    }
    // Graph accepts only Graph tokens: a Partner Center token is InvalidAudience.
    const check = await verifyAccessToken(app.keyRing, token, app.now(), 'graph', app.appTokenStates);
    if (!check.ok) throw unauthorized(REJECTION_MESSAGES[check.reason], true);
    const tenant = await app.tenantsStore.tenants.findById(check.claims.tenantId);
    if (!tenant) throw unauthorized("Access token validation failure. The token's tenant no longer exists.", true);
    const { claims } = check;
    if (claims.kind === 'user' && claims.user) {
      return {
        tenantId: tenant.id,
        appId: claims.appId,
        objectId: claims.objectId,
        roles: [],
        user: { id: claims.objectId, userPrincipalName: claims.user.userPrincipalName, name: claims.user.name, scopes: claims.scopes },
      };
    }
    return { tenantId: tenant.id, appId: claims.appId, objectId: claims.objectId, roles: claims.roles };
  }

  app.decorate('requireRole', (...roles: string[]) => async (request: FastifyRequest) => {
    const context = await authenticate(request);
    request.auth = context;
    // A user's (delegated) token carries its permissions in `scp`, an app's in `roles`; the same names either way.
    if (roles.length > 0 && context.user) {
      const { scopes, userPrincipalName } = context.user;
      if (!roles.some((role) => scopes.includes(role))) {
        throw new GraphError(
          403,
          'Authorization_RequestDenied',
          `Insufficient privileges to complete the operation. This needs one of the delegated permissions ${roles.join(', ')}; ` +
            `the token of ${userPrincipalName} has ${scopes.length > 0 ? scopes.join(', ') : 'none'}. ` +
            "A user's permissions come from the directory roles (tarmac user create --role 'Intune Administrator') and the scopes the app asked for.",
        );
      }
      return;
    }
    if (roles.length > 0 && !roles.some((role) => context.roles.includes(role))) {
      const has = context.roles.length > 0 ? context.roles.join(', ') : 'none';
      throw new GraphError(
        403,
        'Authorization_RequestDenied',
        `Insufficient privileges to complete the operation. This needs one of the application permissions ${roles.join(', ')}; ` +
          `the app has ${has}. Create an app that has one: tarmac app create --tenant <tenant> --role ${roles[0]}.`,
      );
    }
  });
}, 'tarmac-auth');

/** request.auth on a route guarded by requireRole (a programming error otherwise). */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new Error(`${request.method} ${request.url} reads request.auth but has no requireRole hook`);
  return request.auth;
}
