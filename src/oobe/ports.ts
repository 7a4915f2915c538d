// What the device-side domain needs beyond the registry store: the tenants (a tenant's domain for the profile
// document, a user's domain for workplace join). src/http/routes/oobe.ts builds it on the tenants store.

export interface OobeTenants {
  /** The tenant's default domain (else its initial one), or undefined when there is no such tenant. */
  domainOf(tenantId: string): Promise<string | undefined>;
  /** The id of the tenant that owns this domain (lowercase), or undefined. */
  tenantOfDomain(domain: string): Promise<string | undefined>;
}
