// The console's sign-in, with oauth4webapi (not MSAL.js): MSAL refuses any authority that is not https
// (`authority_uri_insecure`, no localhost exception), and `npm start` serves Tarmac on http://127.0.0.1:8080.
// oauth4webapi is a small, spec-complete OAuth 2.0 / OIDC client (same author as `jose`, which the server uses);
// plain http is allowed only for a loopback authority.
//
// The flow is Entra's: the user types their sign-in name; its domain names the tenant (home realm discovery); the
// tenant's v2.0 discovery document gives the endpoints; authorization code + PKCE (S256) with Tarmac's first-party
// console app, whose client id is the same in every tenant; the tokens stay in sessionStorage (this tab only).
// Access tokens are renewed with the refresh token before they expire (rotation: each renewal gives a new one);
// a refused renewal or the end of the 24-hour public-client sign-in ends the session ("session expired").
import * as oauth from 'oauth4webapi';
import { CONSOLE_CLIENT_ID } from '../../../src/tenants/first-party-apps.js';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
export const PARTNER_CENTER_SCOPE = 'https://api.partnercenter.microsoft.com/user_impersonation';
export type Resource = 'graph' | 'partnerCenter';
const SCOPE_OF: Record<Resource, string> = { graph: GRAPH_SCOPE, partnerCenter: PARTNER_CENTER_SCOPE };

const SESSION_KEY = 'tarmac.session';
const PENDING_KEY = 'tarmac.signin';
const LAST_USER_KEY = 'tarmac.lastUser';
/** Renew an access token this long before it expires. */
const RENEW_MARGIN_MS = 5 * 60 * 1000;

const client: oauth.Client = { client_id: CONSOLE_CLIENT_ID };
const clientAuth = oauth.None();

export interface Account {
  oid: string;
  tenantId: string;
  userPrincipalName: string;
  name: string;
}

interface AccessToken {
  token: string;
  expiresAt: number;
  /** The delegated permissions granted (scp), and the user's directory role template ids (wids). */
  scopes: string[];
  roles: string[];
}

interface Session {
  domain: string;
  server: oauth.AuthorizationServer;
  account: Account;
  refreshToken: string | null;
  /** When the sign-in ends (the refresh token's family lifetime), ms since epoch. */
  endsAt: number | null;
  tokens: Partial<Record<Resource, AccessToken>>;
}

interface PendingSignIn {
  domain: string;
  server: oauth.AuthorizationServer;
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

export type AuthState =
  | { status: 'signedOut'; reason?: 'signedOut' | 'expired'; lastUser?: string | undefined }
  | { status: 'signedIn'; account: Account; domain: string };

// ---- a tiny store React subscribes to (useSyncExternalStore) --------------------------------------------------------

let state: AuthState = initialState();
const listeners = new Set<() => void>();

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
export function getAuthState(): AuthState {
  return state;
}
function setState(next: AuthState): void {
  state = next;
  for (const l of listeners) l();
}

function initialState(): AuthState {
  const s = readSession();
  if (s && (s.endsAt === null || s.endsAt > Date.now())) return { status: 'signedIn', account: s.account, domain: s.domain };
  return { status: 'signedOut', lastUser: localStorage.getItem(LAST_USER_KEY) ?? undefined };
}

function readSession(): Session | null {
  const raw = sessionStorage.getItem(SESSION_KEY);
  return raw ? (JSON.parse(raw) as Session) : null;
}
function writeSession(s: Session | null): void {
  if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(SESSION_KEY);
}

function insecureOption(url: string | undefined): { [oauth.allowInsecureRequests]?: boolean } {
  if (url === undefined) return {};
  const u = new URL(url);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  return u.protocol === 'http:' && loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

// ---- signing in ----------------------------------------------------------------------------------------------------

export class SignInProblem extends Error {
  override readonly name = 'SignInProblem';
}

/** The redirect URI: the console's root on this origin (registered for the console app on loopback, any port). */
export function redirectUri(): string {
  return `${window.location.origin}/`;
}

/** The tenant's discovery document, as oauth4webapi's AuthorizationServer (Entra's issuer is not this origin). */
async function discover(domain: string): Promise<oauth.AuthorizationServer> {
  const response = await fetch(`/${encodeURIComponent(domain)}/v2.0/.well-known/openid-configuration`);
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error_description?: string };
    const detail = body.error_description?.split('\r\n')[0] ?? `HTTP ${response.status}`;
    throw new SignInProblem(`No organization signs in with '${domain}' here. ${detail}`);
  }
  const doc = (await response.json()) as oauth.AuthorizationServer;
  if (!doc.authorization_endpoint || !doc.token_endpoint) throw new SignInProblem('The discovery document has no authorization or token endpoint.');
  return doc;
}

/** Starts the sign-in: discovers the user's tenant from their sign-in name and goes to its authorize page. */
export async function startSignIn(userName: string, returnTo = '/'): Promise<void> {
  const name = userName.trim();
  const at = name.lastIndexOf('@');
  const domain = at >= 0 ? name.slice(at + 1) : name;
  if (domain === '' || !domain.includes('.')) {
    throw new SignInProblem('Enter your sign-in name (someone@contoso.onmicrosoft.com) or your organization’s domain.');
  }
  const server = await discover(domain);
  const verifier = oauth.generateRandomCodeVerifier();
  const pending: PendingSignIn = {
    domain,
    server,
    verifier,
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    returnTo,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(server.authorization_endpoint as string);
  url.searchParams.set('client_id', CONSOLE_CLIENT_ID);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('scope', `openid profile offline_access ${GRAPH_SCOPE}`);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  if (at >= 0) url.searchParams.set('login_hint', name);
  window.location.assign(url.toString());
}

/**
 * On the redirect back (`/?code=…&state=…` or `?error=…`): redeems the code. Returns where to go next, or null when
 * this page load is not a sign-in redirect. Throws SignInProblem with Entra's description on an error.
 */
export async function completeSignIn(currentUrl: URL): Promise<string | null> {
  if (!currentUrl.searchParams.has('state') || (!currentUrl.searchParams.has('code') && !currentUrl.searchParams.has('error'))) return null;
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (!raw) throw new SignInProblem('This sign-in was not started in this tab (or was already completed). Sign in again.');
  const pending = JSON.parse(raw) as PendingSignIn;
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(pending.server, client, currentUrl, pending.state);
  } catch (err) {
    throw new SignInProblem(describeOAuthError(err));
  }
  const response = await oauth.authorizationCodeGrantRequest(pending.server, client, clientAuth, params, redirectUri(), pending.verifier, insecureOption(pending.server.token_endpoint));
  let result: oauth.TokenEndpointResponse;
  try {
    result = await oauth.processAuthorizationCodeResponse(pending.server, client, response, { expectedNonce: pending.nonce, requireIdToken: true });
  } catch (err) {
    throw new SignInProblem(describeOAuthError(err));
  }
  const claims = oauth.getValidatedIdTokenClaims(result);
  if (!claims) throw new SignInProblem('The sign-in returned no ID token.');
  const account: Account = {
    oid: String(claims.oid ?? claims.sub),
    tenantId: String(claims.tid ?? ''),
    userPrincipalName: String(claims.preferred_username ?? ''),
    name: String(claims.name ?? claims.preferred_username ?? ''),
  };
  const now = Date.now();
  const session: Session = {
    domain: pending.domain,
    server: pending.server,
    account,
    refreshToken: result.refresh_token ?? null,
    endsAt: typeof result.refresh_token_expires_in === 'number' ? now + result.refresh_token_expires_in * 1000 : null,
    tokens: { graph: accessTokenOf(result, now) },
  };
  writeSession(session);
  localStorage.setItem(LAST_USER_KEY, account.userPrincipalName);
  setState({ status: 'signedIn', account, domain: session.domain });
  return pending.returnTo;
}

function accessTokenOf(result: oauth.TokenEndpointResponse, now: number): AccessToken {
  const claims = decodeJwtPayload(result.access_token);
  return {
    token: result.access_token,
    expiresAt: now + (result.expires_in ?? 3600) * 1000,
    scopes: typeof claims.scp === 'string' ? claims.scp.split(' ') : [],
    roles: Array.isArray(claims.wids) ? (claims.wids as string[]) : [],
  };
}

function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
}

function describeOAuthError(err: unknown): string {
  if (err instanceof oauth.AuthorizationResponseError || err instanceof oauth.ResponseBodyError) {
    return `${err.error_description ?? err.error}`;
  }
  return err instanceof Error ? err.message : String(err);
}

// ---- tokens for API calls ------------------------------------------------------------------------------------------

const renewals = new Map<Resource, Promise<string>>();

/** A valid access token for `resource`, renewed with the refresh token when needed (one renewal at a time). */
export async function accessToken(resource: Resource, options: { forceRenew?: boolean } = {}): Promise<string> {
  const session = readSession();
  if (!session) throw expire();
  const current = session.tokens[resource];
  if (!options.forceRenew && current && current.expiresAt - RENEW_MARGIN_MS > Date.now()) return current.token;
  let pending = renewals.get(resource);
  if (!pending) {
    pending = renew(resource).finally(() => renewals.delete(resource));
    renewals.set(resource, pending);
  }
  return pending;
}

async function renew(resource: Resource): Promise<string> {
  const session = readSession();
  if (!session?.refreshToken || (session.endsAt !== null && session.endsAt <= Date.now())) throw expire();
  const response = await oauth.refreshTokenGrantRequest(session.server, client, clientAuth, session.refreshToken, {
    additionalParameters: { scope: `openid profile offline_access ${SCOPE_OF[resource]}` },
    ...insecureOption(session.server.token_endpoint),
  });
  let result: oauth.TokenEndpointResponse;
  try {
    result = await oauth.processRefreshTokenResponse(session.server, client, response);
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant') throw expire();
    throw err;
  }
  const now = Date.now();
  const latest = readSession() ?? session;
  latest.refreshToken = result.refresh_token ?? latest.refreshToken;
  latest.tokens[resource] = accessTokenOf(result, now);
  writeSession(latest);
  return result.access_token;
}

/** The directory role template ids (wids) of the signed-in user, from the Graph token. */
export function signedInRoles(): string[] {
  return readSession()?.tokens.graph?.roles ?? [];
}

export class SessionExpired extends Error {
  override readonly name = 'SessionExpired';
}

function expire(): SessionExpired {
  const lastUser = readSession()?.account.userPrincipalName ?? localStorage.getItem(LAST_USER_KEY) ?? undefined;
  writeSession(null);
  setState({ status: 'signedOut', reason: 'expired', lastUser });
  return new SessionExpired('Your session has expired. Sign in again.');
}

/** Signs out of the console: forgets the tokens (Tarmac keeps no sign-in session to end). */
export function signOut(): void {
  const lastUser = readSession()?.account.userPrincipalName;
  writeSession(null);
  setState({ status: 'signedOut', reason: 'signedOut', lastUser });
}
