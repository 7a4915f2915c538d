// The customer's side of a relationship: which partners and OEMs it has consented to, and taking a consent back.
// Accepting is acceptInvitation (relationships.ts). The CLI (`tarmac partner relationships|revoke`) and the
// customer's API (/tarmac/v1.0/partnerRelationships) both come here.
import type { Tenant } from '../tenants/ports.js';
import { PartnerError } from './errors.js';
import type { Relationship } from './ports.js';
import { removeRelationship, type RelationshipDeps } from './relationships.js';

export interface PartnerOfCustomer {
  partner: Tenant;
  relationship: Relationship;
}

function requireCustomer(customer: Tenant, doing: string): void {
  if (customer.kind !== 'customer') {
    throw new PartnerError(
      'WrongOrganization',
      `${customer.displayName} is ${customer.kind === 'oem' ? 'an OEM' : 'a partner'} organisation; only customer tenants ${doing}. ` +
        `A partner's customers are listed by Partner Center (GET /v1/customers) or \`tarmac partner relationships --partner ${customer.id}\`.`,
    );
  }
}

/** The partners and OEMs the customer has accepted, oldest first. */
export async function partnersOf(deps: RelationshipDeps, customer: Tenant): Promise<PartnerOfCustomer[]> {
  requireCustomer(customer, 'have partners');
  const relationships = await deps.relationships.listByCustomer(customer.id);
  const found = await Promise.all(relationships.map(async (relationship) => ({ relationship, partner: await deps.tenants.findById(relationship.partnerTenantId) })));
  return found.filter((p): p is PartnerOfCustomer => p.partner !== undefined);
}

/**
 * The customer takes its consent back: from the partner's (or OEM's) next call on, it is refused (403 NoRelationship).
 * Devices already registered stay registered. NotFound when there was no such relationship.
 */
export async function revokeConsent(deps: RelationshipDeps, customer: Tenant, partnerTenantId: string): Promise<void> {
  requireCustomer(customer, 'revoke a partner relationship');
  await removeRelationship(deps.relationships, partnerTenantId.trim().toLowerCase(), customer.id);
}
