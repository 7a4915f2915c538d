// Tokens for a signed-in user, shaped like Entra's:
// - the delegated access token for Microsoft Graph or Partner Center: a v1.0 token like the app-only one (same
//   issuer `https://sts.windows.net/<tid>/`, same keys, `aud` the API: Graph or
//   `https://api.partnercenter.microsoft.com`), with `idtyp: "user"`, `scp` (the delegated permissions,
//   space-separated: Graph's, or Partner Center's one, `user_impersonation`), `wids` (the user's directory role
//   template ids), `oid`/`sub` = the user, `upn`, `unique_name`, `name`, `appid` = the client that signed the user in;
// - the ID token for the client: `ver: "2.0"`, `aud` = the client id, `nonce` echoed, `sub` pairwise per app. Its
//   `iss` is the one issuer Tarmac announces in both discovery documents, `https://sts.windows.net/<tid>/` (see
//   access-tokens.ts), not Entra's v2.0 `https://login.microsoftonline.com/<tid>/v2.0`: a client that verifies tokens
//   against discovery's issuer then accepts every token Tarmac signs (MSAL checks neither; it passes MSAL's issuer
//   validation as a Microsoft host);
// - client_info for MSAL: base64url JSON {uid, utid}.
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { App, Tenant, User } from '../tenants/ports.js';
import { templateIdsOf } from '../tenants/roles.js';
import { ACCESS_TOKEN_LIFETIME_SECONDS, AUDIENCE_CLAIM, issuerFor, type IssuedToken, type TokenAudience } from './access-tokens.js';
import { SIGNING_ALG, type KeyRing } from './signing-keys.js';

export interface DelegatedSubject {
  tenant: Tenant;
  app: App;
  user: User;
  /** Delegated permission names granted (the `scp`): Graph's, or Partner Center's `user_impersonation`. */
  scopes: readonly string[];
  /** The API the token is for (default Graph). */
  audience?: TokenAudience;
}

export async function issueDelegatedAccessToken(keyRing: KeyRing, subject: DelegatedSubject, now: Date): Promise<IssuedToken> {
  const { kid, privateKey } = await keyRing.signingKey();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ACCESS_TOKEN_LIFETIME_SECONDS;
  const iss = issuerFor(subject.tenant.id);
  const claims: JWTPayload & Record<string, unknown> = {
    aud: AUDIENCE_CLAIM[subject.audience ?? 'graph'],
    iss,
    iat,
    nbf: iat,
    exp,
    acr: '1',
    amr: ['pwd'],
    app_displayname: subject.app.displayName,
    appid: subject.app.clientId,
    appidacr: subject.app.publicClient ? '0' : '1',
    idp: iss,
    idtyp: 'user',
    name: subject.user.displayName,
    oid: subject.user.id,
    scp: subject.scopes.join(' '),
    sub: pairwiseSubject(subject.user.id, subject.app.clientId),
    tid: subject.tenant.id,
    unique_name: subject.user.userPrincipalName,
    upn: subject.user.userPrincipalName,
    uti: randomBytes(16).toString('base64url'),
    ver: '1.0',
    wids: templateIdsOf(subject.user.roles),
  };
  const accessToken = await new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: SIGNING_ALG, kid }).sign(privateKey);
  return { accessToken, expiresIn: ACCESS_TOKEN_LIFETIME_SECONDS, expiresOn: exp, notBefore: iat };
}

export async function issueIdToken(
  keyRing: KeyRing,
  subject: { tenant: Tenant; app: App; user: User; nonce: string | null },
  now: Date,
): Promise<string> {
  const { kid, privateKey } = await keyRing.signingKey();
  const iat = Math.floor(now.getTime() / 1000);
  const claims: JWTPayload & Record<string, unknown> = {
    aud: subject.app.clientId,
    iss: issuerFor(subject.tenant.id),
    iat,
    nbf: iat,
    exp: iat + ACCESS_TOKEN_LIFETIME_SECONDS,
    name: subject.user.displayName,
    oid: subject.user.id,
    preferred_username: subject.user.userPrincipalName,
    sub: pairwiseSubject(subject.user.id, subject.app.clientId),
    tid: subject.tenant.id,
    uti: randomBytes(16).toString('base64url'),
    ver: '2.0',
  };
  if (subject.nonce !== null) claims.nonce = subject.nonce;
  return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: SIGNING_ALG, kid }).sign(privateKey);
}

/** `sub` is per user and app in Entra (pairwise): the same user has a different `sub` in each app. */
export function pairwiseSubject(userId: string, clientId: string): string {
  return createHash('sha256').update(`${userId}\n${clientId}`).digest('base64url').slice(0, 43);
}

/** MSAL's client_info: base64url of {"uid": user object id, "utid": tenant id}. */
export function clientInfo(user: User): string {
  return Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString('base64url');
}
