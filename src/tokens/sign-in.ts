// Signing a user in the way Entra does (authorization code flow with PKCE, refresh tokens), without HTTP: the
// authorize request's checks (and which failures may be sent back to the redirect URI and which may not), issuing
// single-use codes, redeeming them and rotating refresh tokens. src/http/routes/identity/authorize.ts and token.ts
// are the endpoints; they map SignInError to Entra's error responses.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { authenticateClient } from '../tenants/authenticate-client.js';
import { isGuid } from '../tenants/domain-names.js';
import { isRegisteredRedirectUri } from '../tenants/first-party-apps.js';
import type { App, Tenant, TenantsStore, User } from '../tenants/ports.js';
import { GRAPH_APP_ROLES, permissionsOfDirectoryRoles } from '../tenants/roles.js';
import { GRAPH_APP_ID, GRAPH_RESOURCE, PARTNER_CENTER_APP_ID, PARTNER_CENTER_RESOURCE, type TokenAudience } from './access-tokens.js';
import type { KeyRing } from './signing-keys.js';
import { clientInfo, issueDelegatedAccessToken, issueIdToken } from './user-tokens.js';

export const AUTH_CODE_LIFETIME_SECONDS = 600;
/** Entra's SPA refresh tokens live 24 hours, and rotated ones keep that end; confidential clients' 90 days. */
export const PUBLIC_REFRESH_TOKEN_LIFETIME_SECONDS = 24 * 3600;
export const CONFIDENTIAL_REFRESH_TOKEN_LIFETIME_SECONDS = 90 * 24 * 3600;

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
export const RESPONSE_MODES = ['query', 'fragment', 'form_post'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/** An OAuth error: `error` as on the wire, the AADSTS number, and a message that says what to do. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    readonly error: string,
    readonly aadsts: number,
    message: string,
  ) {
    super(message);
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

// ---- scopes ----------------------------------------------------------------------------------------------------

/** Partner Center's one delegated permission (the `scp` of its delegated tokens). */
export const PARTNER_CENTER_DELEGATED_SCOPE = 'user_impersonation';

export interface ParsedScope {
  /** The OIDC scopes asked for (openid, profile, email, offline_access). */
  oidc: string[];
  /** Graph delegated permissions asked for, canonical names; `.default` is kept as '.default'. */
  graph: string[];
  /** Partner Center scopes asked for: 'user_impersonation' and/or '.default' (both give user_impersonation). */
  partnerCenter: string[];
  /** The APIs the scopes name, in the order they first appear (for Entra, the first one wins). */
  resources: TokenAudience[];
}

const UNKNOWN_RESOURCE_HELP =
  'Tarmac signs users in for Microsoft Graph (https://graph.microsoft.com/<permission> or https://graph.microsoft.com/.default) ' +
  'and Partner Center (https://api.partnercenter.microsoft.com/user_impersonation).';

/** The scope without `prefix` (matched case-insensitively), or undefined when it does not start with it. */
function after(raw: string, prefixes: string[]): string | undefined {
  const lower = raw.toLowerCase();
  const prefix = prefixes.find((p) => lower.startsWith(p));
  return prefix === undefined ? undefined : raw.slice(prefix.length);
}

/**
 * Parses a scope parameter: OIDC scopes; Graph permissions as `https://graph.microsoft.com/<name>`,
 * `00000003-0000-0000-c000-000000000000/<name>` or a bare `<name>` (Entra's default resource is Graph); Partner
 * Center's `https://api.partnercenter.microsoft.com/user_impersonation` (or `/.default`, or its app id as prefix).
 * Throws SignInError('invalid_scope') naming the first scope Tarmac does not know. Several APIs may be named (the
 * authorize leg allows it, as Entra's does); a token request may not (requestedResource).
 */
export function parseScope(scope: string): ParsedScope {
  const out: ParsedScope = { oidc: [], graph: [], partnerCenter: [], resources: [] };
  const uses = (resource: TokenAudience) => {
    if (!out.resources.includes(resource)) out.resources.push(resource);
  };
  for (const raw of scope.split(/\s+/).filter((s) => s !== '')) {
    const lower = raw.toLowerCase();
    const oidc = OIDC_SCOPES.find((s) => s === lower);
    if (oidc !== undefined) {
      if (!out.oidc.includes(oidc)) out.oidc.push(oidc);
      continue;
    }
    const partnerCenter = after(raw, [`${PARTNER_CENTER_RESOURCE}/`, `${PARTNER_CENTER_APP_ID}/`]);
    if (partnerCenter !== undefined) {
      const canonical = [PARTNER_CENTER_DELEGATED_SCOPE, '.default'].find((s) => s === partnerCenter.toLowerCase());
      if (canonical === undefined) {
        throw new SignInError(
          'invalid_scope',
          70011,
          `The provided value for the input parameter 'scope' is not valid. The scope '${raw}' is not a Partner Center permission: ` +
            `its delegated scope is ${PARTNER_CENTER_RESOURCE}/${PARTNER_CENTER_DELEGATED_SCOPE} (or ${PARTNER_CENTER_RESOURCE}/.default).`,
        );
      }
      if (!out.partnerCenter.includes(canonical)) out.partnerCenter.push(canonical);
      uses('partnerCenter');
      continue;
    }
    const name = after(raw, [`${GRAPH_RESOURCE}/`, `${GRAPH_APP_ID}/`]) ?? raw;
    if (name.includes('/') || name.includes(':')) {
      throw new SignInError(
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope '${raw}' is not valid: ${UNKNOWN_RESOURCE_HELP}`,
      );
    }
    const canonical = name === '.default' ? '.default' : GRAPH_APP_ROLES.find((r) => r.toLowerCase() === name.toLowerCase());
    if (canonical === undefined) {
      throw new SignInError(
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope '${raw}' is not a Graph permission Tarmac knows. Known: .default, ${GRAPH_APP_ROLES.join(', ')}.`,
      );
    }
    if (!out.graph.includes(canonical)) out.graph.push(canonical);
    uses('graph');
  }
  return out;
}

/**
 * The one API a token request's scope names (undefined when it names only OIDC scopes). Naming two is Entra's
 * AADSTS28000: a token is for one API.
 */
export function requestedResource(parsed: ParsedScope, raw: string): TokenAudience | undefined {
  if (parsed.resources.length > 1) {
    throw new SignInError(
      'invalid_request',
      28000,
      `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${raw.trim()} is not valid. ` +
        `An access token is for one API: ask for Microsoft Graph's scopes or for Partner Center's (${PARTNER_CENTER_RESOURCE}/${PARTNER_CENTER_DELEGATED_SCOPE}), ` +
        'with offline_access, then redeem the refresh token with the other API\'s scope for its token.',
    );
  }
  return parsed.resources[0];
}

/** A grant's scope string: the token's API's scopes first (that is the API a grant without `scope` gets), then the rest. */
function composeScope(parsed: ParsedScope, first: TokenAudience): string {
  const graph = parsed.graph.map((g) => `${GRAPH_RESOURCE}/${g}`);
  const partnerCenter = parsed.partnerCenter.map((p) => `${PARTNER_CENTER_RESOURCE}/${p}`);
  return [...(first === 'graph' ? [...graph, ...partnerCenter] : [...partnerCenter, ...graph]), ...parsed.oidc].join(' ');
}

/**
 * The scope a code or refresh grant issues from: `stored` (the sign-in's, or the refresh token's) with what the
 * request's `asked` scope names. As Entra's, a code or refresh token is good for every API the sign-in may reach:
 * a request names ONE (Graph or Partner Center) and gets a token for it; none named, the stored one's first API.
 * Graph permissions may be narrowed, never widened (`.default` means the sign-in's), and are kept through a
 * Partner Center redemption so that the next Graph token has them again; the sign-in's OIDC scopes stay. The
 * result is also what the rotated refresh token keeps. Throws SignInError before anything is consumed.
 */
export function grantScope(stored: string, asked: string | undefined): string {
  const had = parseScope(stored);
  const fallback: TokenAudience = had.resources[0] ?? 'graph';
  if (asked === undefined) return composeScope(had, fallback);
  const wanted = parseScope(asked);
  const resource = requestedResource(wanted, asked) ?? fallback;
  const next: ParsedScope = { ...had, graph: [...had.graph], partnerCenter: [...had.partnerCenter] };
  if (resource === 'graph' && wanted.graph.length > 0 && !wanted.graph.includes('.default')) {
    const widened = wanted.graph.filter((g) => had.graph.length > 0 && !had.graph.includes('.default') && !had.graph.includes(g));
    if (widened.length > 0) throw new SignInError('invalid_scope', 70011, `The scope '${widened.join(' ')}' was not part of the sign-in; sign in again asking for it.`);
    next.graph = wanted.graph;
  }
  if (resource === 'partnerCenter') next.partnerCenter = [PARTNER_CENTER_DELEGATED_SCOPE];
  return composeScope(next, resource);
}

/**
 * The delegated permissions a Graph token carries: those asked for that the user's directory roles allow; `.default`
 * (or no Graph scope at all, as with a bare `openid profile` sign-in) means everything the roles allow.
 */
export function grantedPermissions(parsed: ParsedScope, user: User): string[] {
  const allowed = permissionsOfDirectoryRoles(user.roles);
  if (parsed.graph.length === 0 || parsed.graph.includes('.default')) return allowed;
  return allowed.filter((p) => parsed.graph.includes(p));
}

// ---- the authorize request -------------------------------------------------------------------------------------

export interface AuthorizeQuery {
  client_id?: string | undefined;
  response_type?: string | undefined;
  redirect_uri?: string | undefined;
  scope?: string | undefined;
  state?: string | undefined;
  response_mode?: string | undefined;
  code_challenge?: string | undefined;
  code_challenge_method?: string | undefined;
  nonce?: string | undefined;
  login_hint?: string | undefined;
  prompt?: string | undefined;
}

/** A request that passed every check: show the sign-in form, then issue a code. */
export interface AuthorizeRequest {
  tenant: Tenant;
  app: App;
  redirectUri: string;
  responseMode: ResponseMode;
  state: string | undefined;
  scope: string;
  codeChallenge: string | null;
  nonce: string | null;
  loginHint: string | undefined;
}

export type AuthorizeCheck =
  | { ok: true; request: AuthorizeRequest }
  /** Shown on an error page: the redirect URI cannot be trusted (unknown client, unregistered URI). Never redirected. */
  | { ok: false; show: 'page'; error: SignInError }
  /** Sent back to the (registered) redirect URI, as Entra does. */
  | { ok: false; show: 'redirect'; redirectUri: string; responseMode: ResponseMode; state: string | undefined; error: SignInError };

const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;

/** Checks an authorize request in Entra's order: client and redirect URI first (error page), then the rest (redirect). */
export async function checkAuthorizeRequest(store: Pick<TenantsStore, 'apps'>, tenant: Tenant, query: AuthorizeQuery): Promise<AuthorizeCheck> {
  const page = (error: string, aadsts: number, message: string): AuthorizeCheck => ({ ok: false, show: 'page', error: new SignInError(error, aadsts, message) });
  const clientId = query.client_id?.trim().toLowerCase();
  if (!clientId) return page('invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
  if (!isGuid(clientId)) return page('unauthorized_client', 700038, `${query.client_id} is not a valid application identifier. The client_id is the app's GUID.`);
  const found = await store.apps.findByClientId(tenant.id, clientId);
  if (!found) {
    return page(
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.domains[0]?.name ?? tenant.id}'. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const { secrets: _secrets, ...app } = found;
  const redirectUri = query.redirect_uri;
  if (redirectUri === undefined || redirectUri === '') {
    return page('invalid_request', 900144, "The request body must contain the following parameter: 'redirect_uri'.");
  }
  if (!isRegisteredRedirectUri(app.redirectUris, redirectUri)) {
    return page(
      'invalid_request',
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'. ` +
        'Make sure the redirect URI sent in the request matches one added to your application exactly (tarmac app create --redirect-uri).',
    );
  }

  const mode = (query.response_mode ?? 'query').toLowerCase();
  const responseMode: ResponseMode = (RESPONSE_MODES as readonly string[]).includes(mode) ? (mode as ResponseMode) : 'query';
  const state = query.state;
  const back = (error: string, aadsts: number, message: string): AuthorizeCheck => ({
    ok: false,
    show: 'redirect',
    redirectUri,
    responseMode,
    state,
    error: new SignInError(error, aadsts, message),
  });
  if (!(RESPONSE_MODES as readonly string[]).includes(mode)) {
    return back('invalid_request', 900144, `The response_mode '${query.response_mode}' is not supported: use query, fragment or form_post.`);
  }
  const responseType = query.response_type?.trim();
  if (responseType === undefined || responseType === '') return back('invalid_request', 900144, "The request body must contain the following parameter: 'response_type'.");
  if (responseType !== 'code') {
    return back('unsupported_response_type', 700054, `response_type '${responseType}' is not enabled for the application. Tarmac supports response_type=code only (authorization code flow with PKCE).`);
  }
  const challenge = query.code_challenge;
  const method = query.code_challenge_method ?? (challenge !== undefined ? 'plain' : undefined);
  if (challenge === undefined || challenge === '') {
    if (app.publicClient) {
      return back('invalid_request', 9002325, 'Proof Key for Code Exchange is required for public clients: send code_challenge and code_challenge_method=S256.');
    }
  } else {
    if (method !== 'S256') {
      return back('invalid_request', 501491, `The code_challenge_method '${method}' is not supported: Tarmac accepts S256 only.`);
    }
    if (!CODE_CHALLENGE.test(challenge)) {
      return back('invalid_request', 50147, 'The code_challenge must be the base64url SHA-256 of the code_verifier (43 characters).');
    }
  }
  const scope = query.scope?.trim();
  if (scope === undefined || scope === '') return back('invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
  try {
    parseScope(scope);
  } catch (err) {
    if (err instanceof SignInError) return back(err.error, err.aadsts, err.message);
    throw err;
  }
  if (query.prompt === 'none') {
    return back('login_required', 50058, 'A silent sign-in request was sent but no user is signed in: Tarmac keeps no sign-in sessions. Sign in interactively.');
  }
  return {
    ok: true,
    request: {
      tenant,
      app,
      redirectUri,
      responseMode,
      state,
      scope,
      codeChallenge: challenge === undefined || challenge === '' ? null : challenge,
      nonce: query.nonce === undefined || query.nonce === '' ? null : query.nonce,
      loginHint: query.login_hint,
    },
  };
}

/** Issues a single-use code for the signed-in user; stored as its SHA-256, valid AUTH_CODE_LIFETIME_SECONDS. */
export async function issueAuthorizationCode(store: Pick<TenantsStore, 'authCodes'>, request: AuthorizeRequest, user: User, now: Date): Promise<string> {
  const code = randomToken();
  await store.authCodes.insert({
    codeHash: sha256(code),
    tenantId: request.tenant.id,
    clientId: request.app.clientId,
    userId: user.id,
    redirectUri: request.redirectUri,
    scope: request.scope,
    codeChallenge: request.codeChallenge,
    nonce: request.nonce,
    familyId: randomUUID(),
    expiresAt: new Date(now.getTime() + AUTH_CODE_LIFETIME_SECONDS * 1000).toISOString(),
    used: false,
    createdAt: now.toISOString(),
  });
  return code;
}

// ---- failed sign-ins -------------------------------------------------------------------------------------------

/**
 * Counts failed sign-ins per key (an address, a user) in a sliding window, in memory (one server process; a restart
 * forgets). A key with `limit` failures within `windowMs` is locked until the oldest one leaves the window. At most
 * `maxKeys` keys are kept (expired ones are swept first, then the oldest), so guessing names cannot fill the memory.
 */
export class FailedSignIns {
  private readonly failures = new Map<string, number[]>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly maxKeys = 10_000,
  ) {}

  private recent(key: string, now: Date): number[] {
    const since = now.getTime() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Seconds until `key` may try again, or 0 when it is not locked. */
  lockedFor(key: string, now: Date): number {
    const list = this.recent(key, now);
    if (list.length < this.limit) return 0;
    return Math.max(1, Math.ceil(((list[list.length - this.limit] ?? 0) + this.windowMs - now.getTime()) / 1000));
  }

  record(key: string, now: Date): void {
    const list = [...this.recent(key, now), now.getTime()].slice(-this.limit);
    this.failures.delete(key);
    this.failures.set(key, list);
    if (this.failures.size > this.maxKeys) {
      for (const k of [...this.failures.keys()]) this.recent(k, now);
      for (const k of this.failures.keys()) {
        if (this.failures.size <= this.maxKeys) break;
        this.failures.delete(k);
      }
    }
  }

  clear(key: string): void {
    this.failures.delete(key);
  }
}

// ---- the token endpoint's grants -------------------------------------------------------------------------------

export interface TokenClient {
  clientId: string;
  clientSecret: string | undefined;
}

export interface UserTokenResponse {
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  id_token?: string;
  client_info?: string;
}

const invalidGrant = (aadsts: number, message: string): SignInError => new SignInError('invalid_grant', aadsts, message);

/** The app making a code or refresh grant: public clients send no secret, confidential ones must. */
export async function authenticateTokenClient(store: Pick<TenantsStore, 'apps'>, tenant: Tenant, client: TokenClient, now: Date): Promise<App> {
  const found = await store.apps.findByClientId(tenant.id, client.clientId);
  if (!found) {
    throw new SignInError('unauthorized_client', 700016, `Application with identifier '${client.clientId}' was not found in the directory '${tenant.id}'.`);
  }
  const { secrets: _secrets, ...app } = found;
  if (app.publicClient) {
    if (client.clientSecret !== undefined) {
      throw new SignInError('invalid_request', 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
    }
    return app;
  }
  if (client.clientSecret === undefined) {
    throw new SignInError('invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'. The app is not a public client.");
  }
  const result = await authenticateClient(store, tenant, client.clientId, client.clientSecret, now);
  if (!result.ok) throw new SignInError('invalid_client', 7000215, `Invalid client secret provided for app '${client.clientId}'.`);
  return result.app;
}

interface IssueInput {
  store: TenantsStore;
  keyRing: KeyRing;
  tenant: Tenant;
  app: App;
  userId: string;
  /** The grant (grantScope): its first API is the token's; the rotated refresh token keeps it. */
  scope: string;
  nonce: string | null;
  familyId: string;
  /** The end of the refresh token family, for a public client's rotation (Entra's fixed SPA lifetime). */
  refreshExpiresAt: Date | undefined;
  clientInfo: boolean;
  now: Date;
}

async function issueUserTokens(input: IssueInput): Promise<UserTokenResponse> {
  const user = await input.store.users.findById(input.tenant.id, input.userId);
  if (!user || !user.accountEnabled) {
    throw invalidGrant(50057, 'The user account is disabled or no longer exists. Sign in again as another user.');
  }
  const parsed = parseScope(input.scope);
  const audience: TokenAudience = parsed.resources[0] ?? 'graph';
  // Partner Center has one delegated permission; what the user may do with it is for its routes to say (their roles).
  const permissions = audience === 'graph' ? grantedPermissions(parsed, user) : [PARTNER_CENTER_DELEGATED_SCOPE];
  const resource = audience === 'graph' ? GRAPH_RESOURCE : PARTNER_CENTER_RESOURCE;
  const access = await issueDelegatedAccessToken(input.keyRing, { tenant: input.tenant, app: input.app, user, scopes: permissions, audience }, input.now);
  const response: UserTokenResponse = {
    token_type: 'Bearer',
    scope: [...permissions.map((p) => `${resource}/${p}`), ...parsed.oidc].join(' '),
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.accessToken,
  };
  if (parsed.oidc.includes('offline_access')) {
    const lifetime = input.app.publicClient ? PUBLIC_REFRESH_TOKEN_LIFETIME_SECONDS : CONFIDENTIAL_REFRESH_TOKEN_LIFETIME_SECONDS;
    const expiresAt = input.refreshExpiresAt ?? new Date(input.now.getTime() + lifetime * 1000);
    const token = randomToken();
    await input.store.refreshTokens.insert({
      tokenHash: sha256(token),
      tenantId: input.tenant.id,
      clientId: input.app.clientId,
      userId: user.id,
      scope: input.scope,
      familyId: input.familyId,
      expiresAt: expiresAt.toISOString(),
      revoked: false,
      createdAt: input.now.toISOString(),
    });
    response.refresh_token = token;
    response.refresh_token_expires_in = Math.max(0, Math.floor((expiresAt.getTime() - input.now.getTime()) / 1000));
  }
  if (parsed.oidc.includes('openid')) {
    response.id_token = await issueIdToken(input.keyRing, { tenant: input.tenant, app: input.app, user, nonce: input.nonce }, input.now);
  }
  if (input.clientInfo) response.client_info = clientInfo(user);
  return response;
}

function verifierMatches(verifier: string, challenge: string): boolean {
  const actual = Buffer.from(sha256(verifier));
  const expected = Buffer.from(challenge);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * grant_type=authorization_code: the code once, for the app and redirect URI it was issued to, with the PKCE
 * verifier. A second redemption is refused and revokes the refresh tokens the first one gave (OAuth 2.0 Security BCP).
 */
export async function redeemAuthorizationCode(
  deps: { store: TenantsStore; keyRing: KeyRing },
  tenant: Tenant,
  app: App,
  input: { code: string; redirectUri: string | undefined; codeVerifier: string | undefined; scope?: string | undefined; clientInfo: boolean },
  now: Date,
): Promise<UserTokenResponse> {
  // A scope naming two APIs (or one Tarmac does not know) is refused before the code is used up.
  if (input.scope !== undefined) requestedResource(parseScope(input.scope), input.scope);
  const redeemed = await deps.store.authCodes.redeem(sha256(input.code));
  if (!redeemed) throw invalidGrant(9002313, 'Invalid request. The authorization code is malformed or was not issued by this server.');
  const { code, firstUse } = redeemed;
  if (code.tenantId !== tenant.id) throw invalidGrant(700005, 'Provided Authorization Code is intended to use against other tenant, thus rejected.');
  if (!firstUse) {
    await deps.store.refreshTokens.revokeFamily(code.familyId);
    throw invalidGrant(54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token. The tokens it gave were revoked.');
  }
  if (code.clientId !== app.clientId) throw invalidGrant(70000, 'The provided authorization code was issued to another client.');
  if (code.expiresAt <= now.toISOString()) throw invalidGrant(70008, 'The provided authorization code has expired (codes live 10 minutes). Sign in again.');
  if (input.redirectUri !== code.redirectUri) {
    throw invalidGrant(70000, "The redirect_uri must be the one of the authorization request, exactly. ('redirect_uri' differs or is missing.)");
  }
  if (code.codeChallenge !== null) {
    if (input.codeVerifier === undefined) throw new SignInError('invalid_request', 900144, "The request body must contain the following parameter: 'code_verifier'.");
    if (!verifierMatches(input.codeVerifier, code.codeChallenge)) {
      throw invalidGrant(501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
    }
  }
  return issueUserTokens({
    ...deps,
    tenant,
    app,
    userId: code.userId,
    scope: grantScope(code.scope, input.scope),
    nonce: code.nonce,
    familyId: code.familyId,
    refreshExpiresAt: undefined,
    clientInfo: input.clientInfo,
    now,
  });
}

/**
 * grant_type=refresh_token: rotates the token (the old one stops working). Presenting a rotated (revoked) token
 * again revokes its whole family: someone else may hold it.
 */
export async function redeemRefreshToken(
  deps: { store: TenantsStore; keyRing: KeyRing },
  tenant: Tenant,
  app: App,
  input: { refreshToken: string; scope: string | undefined; clientInfo: boolean },
  now: Date,
): Promise<UserTokenResponse> {
  const hash = sha256(input.refreshToken);
  const stored = await deps.store.refreshTokens.find(hash);
  if (!stored || stored.tenantId !== tenant.id) throw invalidGrant(9002313, 'Invalid request. The refresh token is malformed or was not issued by this server for this tenant.');
  if (stored.clientId !== app.clientId) throw invalidGrant(70000, 'The provided refresh token was issued to another client.');
  if (stored.expiresAt <= now.toISOString()) {
    throw invalidGrant(app.publicClient ? 700084 : 70008, 'The refresh token has expired. Sign in again.');
  }
  const reused = async (): Promise<never> => {
    await deps.store.refreshTokens.revokeFamily(stored.familyId);
    throw invalidGrant(50173, 'The provided grant has been revoked: this refresh token was already used (rotated), so every token of its sign-in was revoked. Sign in again.');
  };
  if (stored.revoked) return reused();
  // Checked before rotating: a refused scope leaves the refresh token usable.
  const scope = grantScope(stored.scope, input.scope);
  if (!(await deps.store.refreshTokens.revoke(hash))) return reused();
  return issueUserTokens({
    ...deps,
    tenant,
    app,
    userId: stored.userId,
    scope,
    nonce: null,
    familyId: stored.familyId,
    refreshExpiresAt: app.publicClient ? new Date(stored.expiresAt) : undefined,
    clientInfo: input.clientInfo,
    now,
  });
}
