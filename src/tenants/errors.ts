// Errors a caller can cause in the tenants domain. Each has a code (for --json and HTTP mapping) and a message that
// says what to do.

export type TenantsErrorCode =
  | 'InvalidDomain'
  | 'DomainTaken'
  | 'TenantNotFound'
  | 'InvalidDisplayName'
  | 'UnknownRole'
  | 'InvalidUser'
  | 'UserTaken'
  | 'InvalidRedirectUri'
  | 'AppNotFound'
  | 'SecretNotFound'
  | 'InvalidExpiry';

export class TenantsError extends Error {
  override readonly name = 'TenantsError';
  constructor(
    readonly code: TenantsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
