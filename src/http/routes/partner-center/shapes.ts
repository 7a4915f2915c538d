// Partner Center's resource shapes: camelCase, `attributes.objectType` on every resource (the C# type name), and
// collections as {totalCount, items, links, attributes: {objectType: "Collection"}} (partner-center-reference §3).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { Relationship } from '../../../partners/index.js';
import type { Tenant } from '../../../tenants/index.js';

export function attributes(objectType: string): { objectType: string } {
  return { objectType };
}

export const Attributes = Type.Object({ objectType: Type.String(), etag: Type.Optional(Type.String()) });

export interface Collection<T> {
  totalCount: number;
  items: T[];
  links: Record<string, unknown>;
  attributes: { objectType: string };
}

export function collection<T>(items: T[], extra: Record<string, unknown> = {}): Collection<T> & Record<string, unknown> {
  return { totalCount: items.length, items, links: {}, ...extra, attributes: attributes('Collection') };
}

export function CollectionOf(item: TSchema, extra: Record<string, TSchema> = {}): TSchema {
  return Type.Object({
    totalCount: Type.Integer(),
    items: Type.Array(item),
    links: Type.Object({}, { additionalProperties: true }),
    ...extra,
    attributes: Attributes,
  });
}

/** Partner Center's DateTime: UTC ISO 8601 with seven fractional digits and Z. */
export function partnerCenterDate(iso: string): string {
  return iso.replace(/(\.\d{3})?Z$/, (_m, ms: string | undefined) => `${(ms ?? '.000').padEnd(8, '0')}Z`);
}

export const CustomerSchema = Type.Object(
  {
    id: Type.String(),
    companyProfile: Type.Object({
      tenantId: Type.String(),
      domain: Type.String(),
      companyName: Type.String(),
      attributes: Attributes,
    }),
    relationshipToPartner: Type.String({ description: 'reseller while the relationship exists, none after it is removed' }),
    allowDelegatedAccess: Type.Boolean(),
    attributes: Attributes,
  },
  { description: 'A customer of the partner (Partner Center Customer)' },
);

export function customerResource(customer: Tenant, relationship: Relationship | null): Static<typeof CustomerSchema> {
  return {
    id: customer.id,
    companyProfile: {
      tenantId: customer.id,
      domain: customer.domains[0]?.name ?? '',
      companyName: customer.displayName,
      attributes: attributes('CustomerCompanyProfile'),
    },
    relationshipToPartner: relationship ? relationship.kind : 'none',
    allowDelegatedAccess: relationship?.delegatedAdmin ?? false,
    attributes: attributes('Customer'),
  };
}
