// Entra's (Azure AD's) OAuth error responses: `{error, error_description, error_codes, timestamp, trace_id,
// correlation_id}`, the description starting with the AADSTS code, as MSAL and scripts parse them.
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';

export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
}

export const EntraErrorSchema = Type.Object(
  {
    error: Type.String({ examples: ['invalid_client'] }),
    error_description: Type.String(),
    error_codes: Type.Array(Type.Integer(), { examples: [[7000215]] }),
    timestamp: Type.String({ examples: ['2024-05-01 12:00:00Z'] }),
    trace_id: Type.String(),
    correlation_id: Type.String(),
  },
  { description: 'Entra ID OAuth error' },
);

/** An OAuth error to answer with: status, OAuth `error`, AADSTS number and a message that says what to do. */
export class EntraError extends Error {
  override readonly name = 'EntraError';
  constructor(
    readonly statusCode: number,
    readonly error: string,
    readonly aadsts: number | undefined,
    message: string,
    /** Extra response headers (Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Entra's timestamp format: `2024-05-01 12:00:00Z`. */
function entraTimestamp(now: Date): string {
  return `${now.toISOString().slice(0, 10)} ${now.toISOString().slice(11, 19)}Z`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function entraErrorBody(request: Pick<FastifyRequest, 'id' | 'headers'>, err: EntraError, now: Date = new Date()): EntraErrorBody {
  const header = request.headers['client-request-id'];
  const given = Array.isArray(header) ? header[0] : header;
  const correlationId = given && GUID.test(given) ? given.toLowerCase() : randomUUID();
  const timestamp = entraTimestamp(now);
  const prefix = err.aadsts !== undefined ? `AADSTS${err.aadsts}: ` : '';
  return {
    error: err.error,
    error_description: `${prefix}${err.message} Trace ID: ${request.id} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: err.aadsts !== undefined ? [err.aadsts] : [],
    timestamp,
    trace_id: request.id,
    correlation_id: correlationId,
  };
}

export function sendEntraError(reply: FastifyReply, err: EntraError): FastifyReply {
  return reply
    .code(err.statusCode)
    .headers({ ...err.headers, 'cache-control': 'no-store, no-cache', pragma: 'no-cache' })
    .type('application/json; charset=utf-8')
    // As text: the route's own response schema may describe something else (the sign-in page's errors are HTML).
    .send(JSON.stringify(entraErrorBody(reply.request, err)));
}

// The errors Tarmac's identity endpoints give, with Entra's codes and wording (plus what to do, where Entra's
// own text does not say).

export const entraErrors = {
  tenantNotFound: (tenant: string, error = 'invalid_request'): EntraError =>
    new EntraError(
      400,
      error,
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. ` +
        'List the tenants of this Tarmac server with `tarmac tenant list`.',
    ),
  invalidTenantName: (tenant: string): EntraError =>
    new EntraError(400, 'invalid_request', 900023, `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`),
  noTenantForApp: (): EntraError =>
    new EntraError(
      400,
      'invalid_request',
      50059,
      'No tenant-identifying information found in either the request or implied by any provided credentials. ' +
        'Client credentials need the tenant id or domain in the URL, not common or organizations.',
    ),
  missingParameter: (name: string): EntraError =>
    new EntraError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrant: (grant: string): EntraError =>
    new EntraError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grant}'. Tarmac issues tokens for grant_type=client_credentials, authorization_code (with PKCE) and refresh_token.`,
    ),
  invalidClientId: (clientId: string): EntraError =>
    new EntraError(400, 'unauthorized_client', 700038, `${clientId} is not a valid application identifier. The client_id is the app's GUID.`),
  unknownClient: (clientId: string, tenant: string): EntraError =>
    new EntraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been ` +
        'installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.',
    ),
  missingSecret: (): EntraError =>
    new EntraError(
      401,
      'invalid_client',
      7000216,
      "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type. Tarmac apps authenticate with client_secret.",
    ),
  invalidSecret: (clientId: string): EntraError =>
    new EntraError(
      401,
      'invalid_client',
      7000215,
      'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, ' +
        `for a secret added to app '${clientId}'.`,
    ),
  expiredSecret: (clientId: string): EntraError =>
    new EntraError(
      401,
      'invalid_client',
      7000222,
      `The provided client secret keys for app '${clientId}' are expired. Create a new app with \`tarmac app create\`.`,
    ),
  invalidScope: (scope: string): EntraError =>
    new EntraError(
      400,
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' is not valid. ` +
        "Client credential flows must request one scope ending in '/.default': https://graph.microsoft.com/.default " +
        '(or https://api.partnercenter.microsoft.com/.default).',
    ),
  unknownResource: (resource: string, tenant: string): EntraError =>
    new EntraError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. Tarmac issues tokens for Microsoft Graph ` +
        '(https://graph.microsoft.com) and Partner Center (https://api.partnercenter.microsoft.com) only.',
    ),
  invalidRequest: (message: string): EntraError => new EntraError(400, 'invalid_request', 900144, message),
  /** An Entra endpoint Tarmac announces in its discovery documents but does not serve yet (no AADSTS code fits). */
  notSupported: (error: string, what: string): EntraError =>
    new EntraError(
      400,
      error,
      undefined,
      `${what} is not supported by Tarmac: apps get tokens with client credentials, users sign in with the authorization code flow and PKCE at /{tenant}/oauth2/v2.0/authorize.`,
    ),
  invalidInstance: (authorizationEndpoint: string, host: string): EntraError =>
    new EntraError(
      400,
      'invalid_instance',
      50049,
      `Unknown or invalid instance. The authorization_endpoint '${authorizationEndpoint}' is not on this Tarmac server; use https://${host}/{tenant}/oauth2/v2.0/authorize.`,
    ),
  throttled: (who: string, limit: number, retryAfterSeconds: number): EntraError =>
    new EntraError(
      429,
      'temporarily_unavailable',
      undefined,
      `Too many token requests for ${who} (at most ${limit} a minute, v1 and v2 endpoints together); retry in ${retryAfterSeconds} seconds (the Retry-After header).`,
      { 'retry-after': String(retryAfterSeconds) },
    ),
  /** Entra's smart lockout (AADSTS50053), here per client id: too many failed client authentications. */
  clientLocked: (clientId: string, failures: number, windowSeconds: number, retryAfterSeconds: number): EntraError =>
    new EntraError(
      401,
      'invalid_client',
      50053,
      `The client '${clientId}' is locked because it failed to authenticate ${failures} times within ${windowSeconds} seconds (wrong, expired or ` +
        `unknown credentials). Try again in ${retryAfterSeconds} seconds (the Retry-After header) with the right client secret.`,
      { 'retry-after': String(retryAfterSeconds) },
    ),
  serverError: (requestId: string): EntraError =>
    new EntraError(500, 'server_error', undefined, `Tarmac could not issue a token. Quote ${requestId} when reporting it; details are in the server log.`),
};
