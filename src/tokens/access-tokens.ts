// Access tokens for Microsoft Graph and for Partner Center, shaped like the ones Entra issues to an app with client
// credentials: a v1.0 token (`iss: https://sts.windows.net/<tid>/`, `appid`, `ver: "1.0"`), RS256, valid for one
// hour, whose `aud` names the API it is for: `https://graph.microsoft.com` or `https://api.partnercenter.microsoft.com`.
// A token is for one API only: Graph refuses a Partner Center token and Partner Center a Graph one (InvalidAudience).
//
// Issuer: Tarmac uses Entra's own issuer string, `https://sts.windows.net/<tid>/`, not its base URL. Graph tokens
// carry exactly that, so clients and scripts that decode tokens (to read `tid`, or check `iss` against the tenant)
// behave as with Microsoft, and the issuer does not change when the server moves or is reached by another name.
// Tokens are trusted by signature (keys in Tarmac's own database), never by issuer, so a real Entra token is still
// rejected. Tarmac's OIDC discovery documents announce this same issuer.
import { randomBytes } from 'node:crypto';
import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';
import type { App, Tenant } from '../tenants/ports.js';
import { SIGNING_ALG, type KeyRing } from './signing-keys.js';
import type { AppTokenStates } from './token-subjects.js';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
/** Microsoft Graph's well-known application id, also accepted as the audience and in scopes. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** Partner Center's resource (the `aud` of the tokens Entra issues for it). */
export const PARTNER_CENTER_RESOURCE = 'https://api.partnercenter.microsoft.com';
/** Partner Center's well-known application id, also accepted as the audience and in scopes. */
export const PARTNER_CENTER_APP_ID = 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd';
/** Which API a token is for. */
export type TokenAudience = 'graph' | 'partnerCenter';

/** The `aud` of the tokens Tarmac issues for each API (app-only and delegated alike). */
export const AUDIENCE_CLAIM: Record<TokenAudience, string> = { graph: GRAPH_RESOURCE, partnerCenter: PARTNER_CENTER_RESOURCE };
/** The `aud` values each API accepts: its resource with and without the trailing slash, and its app id. */
const ACCEPTED_AUDIENCES: Record<TokenAudience, string[]> = {
  graph: [GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID],
  partnerCenter: [PARTNER_CENTER_RESOURCE, `${PARTNER_CENTER_RESOURCE}/`, PARTNER_CENTER_APP_ID],
};

export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
/** Clock skew tolerated when checking exp/nbf (Microsoft.IdentityModel's default). */
export const CLOCK_SKEW_SECONDS = 300;

export function issuerFor(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

export interface IssuedToken {
  accessToken: string;
  /** Seconds from now until it expires. */
  expiresIn: number;
  /** Unix seconds. */
  expiresOn: number;
  notBefore: number;
}

export async function issueAccessToken(
  keyRing: KeyRing,
  subject: { tenant: Tenant; app: App },
  now: Date = new Date(),
  audience: TokenAudience = 'graph',
): Promise<IssuedToken> {
  const { kid, privateKey } = await keyRing.signingKey();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ACCESS_TOKEN_LIFETIME_SECONDS;
  const iss = issuerFor(subject.tenant.id);
  const claims: JWTPayload & Record<string, unknown> = {
    aud: AUDIENCE_CLAIM[audience],
    iss,
    iat,
    nbf: iat,
    exp,
    app_displayname: subject.app.displayName,
    appid: subject.app.clientId,
    appidacr: '1',
    idp: iss,
    idtyp: 'app',
    oid: subject.app.id,
    sub: subject.app.id,
    tid: subject.tenant.id,
    uti: randomBytes(16).toString('base64url'),
    ver: '1.0',
  };
  // Entra leaves `roles` out when the app has no application permissions.
  if (subject.app.roles.length > 0) claims.roles = [...subject.app.roles];
  const accessToken = await new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: SIGNING_ALG, kid }).sign(privateKey);
  return { accessToken, expiresIn: ACCESS_TOKEN_LIFETIME_SECONDS, expiresOn: exp, notBefore: iat };
}

/** Who called: what Graph and Partner Center routes authorise on. */
export interface AccessTokenClaims {
  tenantId: string;
  /** The app's client id (`appid`). */
  appId: string;
  /** Object id of the app's service principal (`oid`). */
  objectId: string;
  /** Application permissions (app-only tokens); none in a delegated token. */
  roles: string[];
  /** Unix seconds. */
  expiresAt: number;
  /** `idtyp`: an app-only token or a signed-in user's (delegated) token. */
  kind: 'app' | 'user';
  /** Delegated permissions (`scp`), for a user token; none for an app token. */
  scopes: string[];
  /** For a user token: who signed in (`oid` is then the user's id) and their directory role template ids (`wids`). */
  user?: { userPrincipalName: string; name: string; roleTemplateIds: string[] };
}

export type TokenRejection =
  | 'Malformed'
  | 'Expired'
  | 'NotYetValid'
  | 'InvalidSignature'
  | 'InvalidAudience'
  | 'InvalidIssuer'
  /** `appid` is not an app of `tid` (deleted, of another tenant, or never registered). */
  | 'UnknownApp'
  /** Issued before the app's tokens were revoked (a secret deleted, `tarmac app revoke-tokens`). */
  | 'Revoked';

export type TokenCheck = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: TokenRejection };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Checks a token for `audience`'s API: signed by this server, in date (and not issued more than the clock skew in
 * the future), issued by its tenant, and for that API; with `apps`, also that its `appid` is an app of its `tid`
 * whose tokens issued at its `iat` are not revoked (the server always passes it; see token-subjects.ts).
 */
export async function verifyAccessToken(
  keyRing: KeyRing,
  token: string,
  now: Date = new Date(),
  audience: TokenAudience = 'graph',
  apps?: AppTokenStates,
): Promise<TokenCheck> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header) => {
        const key = await keyRing.verificationKey(header.kid);
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [SIGNING_ALG],
        audience: ACCEPTED_AUDIENCES[audience],
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: now,
        requiredClaims: ['exp', 'iat', 'tid', 'appid'],
      },
    ));
  } catch (err) {
    return { ok: false, reason: rejectionFor(err) };
  }
  const { tid, appid, oid, roles, iss, exp, iat, idtyp, scp, upn, name, wids } = payload as Record<string, unknown>;
  if (typeof tid !== 'string' || !GUID.test(tid) || typeof appid !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') {
    return { ok: false, reason: 'Malformed' };
  }
  if (iss !== issuerFor(tid)) return { ok: false, reason: 'InvalidIssuer' };
  // jose checks only that `iat` is a number: a token "issued" tomorrow would otherwise live a day longer.
  if (iat > now.getTime() / 1000 + CLOCK_SKEW_SECONDS) return { ok: false, reason: 'NotYetValid' };
  if (apps) {
    const subject = await apps.check(tid, appid, iat, now);
    if (subject !== 'ok') return { ok: false, reason: subject };
  }
  const roleList = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  const objectId = typeof oid === 'string' ? oid : '';
  if (idtyp === 'user') {
    if (typeof upn !== 'string' || objectId === '') return { ok: false, reason: 'Malformed' };
    const scopes = typeof scp === 'string' ? scp.split(' ').filter((s) => s !== '') : [];
    return {
      ok: true,
      claims: {
        tenantId: tid,
        appId: appid,
        objectId,
        roles: [],
        expiresAt: exp,
        kind: 'user',
        scopes,
        user: {
          userPrincipalName: upn,
          name: typeof name === 'string' ? name : upn,
          roleTemplateIds: Array.isArray(wids) ? wids.filter((w): w is string => typeof w === 'string') : [],
        },
      },
    };
  }
  return {
    ok: true,
    claims: { tenantId: tid, appId: appid, objectId, roles: roleList, expiresAt: exp, kind: 'app', scopes: [] },
  };
}

function rejectionFor(err: unknown): TokenRejection {
  if (err instanceof errors.JWTExpired) return 'Expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return 'Malformed';
    if (err.claim === 'nbf' || err.claim === 'iat') return 'NotYetValid';
    if (err.claim === 'aud') return 'InvalidAudience';
    if (err.claim === 'iss') return 'InvalidIssuer';
    return 'Malformed';
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JOSEAlgNotAllowed) {
    return 'InvalidSignature';
  }
  return 'Malformed';
}
