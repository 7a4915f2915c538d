// The tokens domain: access tokens for Microsoft Graph and Partner Center (issue, verify) and the RSA keys that sign them (generated
// once, kept through ports.ts, published as a JWKS). No HTTP: the token, discovery and JWKS endpoints are
// src/http/routes/identity; the bearer check is src/http/plugins/auth.ts.
export type { SigningKeyRecord, SigningKeyRepository } from './ports.js';
export {
  KeyRing,
  generateSigningKey,
  newSigningKey,
  rotateSigningKeys,
  SIGNING_ALG,
  DEFAULT_KEY_OVERLAP_SECONDS,
  MIN_KEY_OVERLAP_SECONDS,
  RELOAD_SECONDS,
  type KeyRingOptions,
  type PublishedJwk,
  type RotatedKeys,
} from './signing-keys.js';
export {
  KeyEncryptionKey,
  KeyEncryptionError,
  DEMO_KEK_FILE_NAME,
  demoKeyNotice,
  isEncryptedPrivateKey,
  parseKeyEncryptionKey,
  resolveKeyEncryptionKey,
  type KeyEncryptionSettings,
  type ResolvedKeyEncryptionKey,
} from './key-encryption.js';
export { TokenEndpointGuard, DEFAULT_TOKEN_ENDPOINT_LIMITS, type TokenEndpointLimits, type TokenEndpointAdmission } from './token-endpoint-guard.js';
export { AppTokenStates, APP_STATE_CACHE_SECONDS, notBeforeSeconds, type TokenSubjectCheck } from './token-subjects.js';
export {
  issueAccessToken,
  verifyAccessToken,
  issuerFor,
  GRAPH_RESOURCE,
  GRAPH_APP_ID,
  PARTNER_CENTER_RESOURCE,
  PARTNER_CENTER_APP_ID,
  ACCESS_TOKEN_LIFETIME_SECONDS,
  AUDIENCE_CLAIM,
  CLOCK_SKEW_SECONDS,
  type IssuedToken,
  type TokenAudience,
  type AccessTokenClaims,
  type TokenCheck,
  type TokenRejection,
} from './access-tokens.js';
export { issueDelegatedAccessToken, issueIdToken, clientInfo, pairwiseSubject } from './user-tokens.js';
export {
  AUTH_CODE_LIFETIME_SECONDS,
  PUBLIC_REFRESH_TOKEN_LIFETIME_SECONDS,
  CONFIDENTIAL_REFRESH_TOKEN_LIFETIME_SECONDS,
  RESPONSE_MODES,
  SignInError,
  FailedSignIns,
  checkAuthorizeRequest,
  issueAuthorizationCode,
  authenticateTokenClient,
  redeemAuthorizationCode,
  redeemRefreshToken,
  parseScope,
  requestedResource,
  grantScope,
  grantedPermissions,
  PARTNER_CENTER_DELEGATED_SCOPE,
  sha256,
  type AuthorizeQuery,
  type AuthorizeRequest,
  type AuthorizeCheck,
  type ResponseMode,
  type UserTokenResponse,
} from './sign-in.js';
