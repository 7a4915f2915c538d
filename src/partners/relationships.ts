// Relationships: how a customer consents to a partner (CSP reseller relationship) or an OEM registering its devices.
// As in Microsoft 365: the partner gets an invitation link that names it (Partner Center's
// GET /v1/customers/relationshiprequests), any customer's admin accepts it, and the relationship exists at once.
// The customer can remove it; every partner or OEM call about the customer checks it afresh, so a removal takes effect
// on the next call. Devices already registered stay registered (the registry, not the relationship, holds them).
import type { Tenant, TenantRepository } from '../tenants/ports.js';
import { PartnerError } from './errors.js';
import type { Relationship, RelationshipKind, RelationshipRepository } from './ports.js';

/** Microsoft's invitation types, as they appear in the link's `invType`. */
const INVITATION_TYPES: Record<RelationshipKind, string> = { reseller: 'ResellerRelationship', oem: 'OemRelationship' };

/** The organisation kind each relationship kind is with. */
const PARTNER_KIND: Record<RelationshipKind, Tenant['kind']> = { reseller: 'partner', oem: 'oem' };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function relationshipKindOf(partner: Tenant): RelationshipKind | undefined {
  if (partner.kind === 'partner') return 'reseller';
  if (partner.kind === 'oem') return 'oem';
  return undefined;
}

/**
 * The invitation link a partner (or OEM) sends its customers, in Microsoft 365's shape:
 * `<base>/partner-invitation?invType=ResellerRelationship&partnerId=<partner tenant id>&msppId=0&DAP=false`.
 */
export function invitationLink(baseUrl: string, partner: Tenant, delegatedAdmin = false): string {
  const kind = relationshipKindOf(partner);
  if (kind === undefined) throw new PartnerError('WrongOrganization', `${partner.displayName} is a customer tenant; only partners and OEMs invite customers.`);
  const query = new URLSearchParams({ invType: INVITATION_TYPES[kind], partnerId: partner.id, msppId: '0', DAP: delegatedAdmin ? 'true' : 'false' });
  return `${baseUrl.replace(/\/+$/, '')}/partner-invitation?${query.toString()}`;
}

export interface Invitation {
  partnerTenantId: string;
  /** From the link's invType; undefined for a bare code. */
  kind: RelationshipKind | undefined;
  delegatedAdmin: boolean;
}

/** Reads an invitation link (any host: only its query counts) or a bare code (the partner's tenant id). */
export function parseInvitation(text: string): Invitation {
  const value = text.trim();
  if (GUID.test(value)) return { partnerTenantId: value.toLowerCase(), kind: undefined, delegatedAdmin: false };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PartnerError('InvalidInvitation', `'${value}' is neither an invitation link nor an invitation code (the partner's tenant id).`, ['invitation']);
  }
  // Microsoft's links keep the query before a #/… fragment; some mail clients move it after: read both.
  const params = new URLSearchParams(url.search);
  const hashQuery = url.hash.indexOf('?');
  if (hashQuery >= 0) for (const [k, v] of new URLSearchParams(url.hash.slice(hashQuery + 1))) if (!params.has(k)) params.set(k, v);
  const partnerId = params.get('partnerId') ?? '';
  if (!GUID.test(partnerId)) {
    throw new PartnerError('InvalidInvitation', `The invitation link has no partnerId (a tenant id); copy the whole link the partner sent.`, ['partnerId']);
  }
  const invType = params.get('invType') ?? '';
  const kind = (Object.keys(INVITATION_TYPES) as RelationshipKind[]).find((k) => INVITATION_TYPES[k].toLowerCase() === invType.toLowerCase());
  if (kind === undefined) {
    throw new PartnerError(
      'InvalidInvitation',
      `The invitation link's invType '${invType}' is not one Tarmac accepts (${Object.values(INVITATION_TYPES).join(', ')}).`,
      ['invType'],
    );
  }
  return { partnerTenantId: partnerId.toLowerCase(), kind, delegatedAdmin: (params.get('DAP') ?? '').toLowerCase() === 'true' };
}

export interface RelationshipDeps {
  tenants: TenantRepository;
  relationships: RelationshipRepository;
}

export interface AcceptedRelationship {
  relationship: Relationship;
  partner: Tenant;
}

/** The customer accepts an invitation: the relationship exists from now on (accepting again renews it). */
export async function acceptInvitation(deps: RelationshipDeps, customer: Tenant, invitationText: string, now: Date): Promise<AcceptedRelationship> {
  const invitation = parseInvitation(invitationText);
  if (customer.kind !== 'customer') {
    throw new PartnerError('WrongOrganization', `${customer.displayName} is ${customer.kind === 'oem' ? 'an OEM' : 'a partner'} organisation; only customer tenants accept invitations.`);
  }
  const partner = await deps.tenants.findById(invitation.partnerTenantId);
  const kind = partner ? relationshipKindOf(partner) : undefined;
  if (!partner || kind === undefined) {
    throw new PartnerError('InvalidInvitation', `The invitation names ${invitation.partnerTenantId}, which is not a partner or OEM on this server.`, ['partnerId']);
  }
  if (invitation.kind !== undefined && invitation.kind !== kind) {
    throw new PartnerError(
      'InvalidInvitation',
      `The invitation is a ${INVITATION_TYPES[invitation.kind]} link, but ${partner.displayName} is ${PARTNER_KIND[kind] === 'oem' ? 'an OEM' : 'a partner'}.`,
      ['invType'],
    );
  }
  const relationship: Relationship = {
    partnerTenantId: partner.id,
    customerTenantId: customer.id,
    kind,
    delegatedAdmin: invitation.delegatedAdmin,
    acceptedAt: now.toISOString(),
  };
  await deps.relationships.save(relationship);
  return { relationship, partner };
}

/** The customer (or the partner) ends the relationship. NotFound when there was none. */
export async function removeRelationship(relationships: RelationshipRepository, partnerTenantId: string, customerTenantId: string): Promise<void> {
  if (!(await relationships.delete(partnerTenantId, customerTenantId))) {
    throw new PartnerError('NotFound', `There is no relationship between partner ${partnerTenantId} and customer ${customerTenantId}.`);
  }
}

/**
 * What every partner or OEM call about a customer starts with: the caller's relationship with it, or 403
 * NoRelationship naming the relationship that is missing. An unknown customer is answered the same way, so that a
 * partner cannot probe which tenants exist.
 */
export async function requireRelationship(relationships: RelationshipRepository, caller: Tenant, customerTenantId: string): Promise<Relationship> {
  const kind = relationshipKindOf(caller);
  if (kind === undefined) {
    throw new PartnerError('WrongOrganization', `${caller.displayName} is a customer tenant: only partners (CSPs) and OEMs may call this API.`);
  }
  const relationship = GUID.test(customerTenantId) ? await relationships.find(caller.id, customerTenantId.toLowerCase()) : undefined;
  if (!relationship) {
    const what = kind === 'reseller' ? 'reseller relationship' : 'OEM relationship';
    throw new PartnerError(
      'NoRelationship',
      `${caller.displayName} has no ${what} with customer ${customerTenantId}. The customer's admin must accept the invitation link first ` +
        `(GET /v1/customers/relationshiprequests gives it; tarmac partner accept <link> --tenant <customer>).`,
    );
  }
  return relationship;
}

export interface CustomerOfPartner {
  customer: Tenant;
  relationship: Relationship;
}

/** The customers a partner (or OEM) has a relationship with, oldest relationship first. */
export async function customersOf(deps: RelationshipDeps, partner: Tenant): Promise<CustomerOfPartner[]> {
  const relationships = await deps.relationships.listByPartner(partner.id);
  const found = await Promise.all(relationships.map(async (relationship) => ({ relationship, customer: await deps.tenants.findById(relationship.customerTenantId) })));
  return found.filter((c): c is CustomerOfPartner => c.customer !== undefined);
}
