// GET /{version}/organization and /organization/{id}: the caller's tenant as Graph's organization resource.
import type { Organization } from '@microsoft/microsoft-graph-types';
import { Type } from '@sinclair/typebox';
import type { Tenant } from '../../../tenants/index.js';
import { GraphError } from '../../graph-errors.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { Entity, Shared, documentResponses, graphErrors } from './schemas/common.js';

/** Application permissions that allow reading the organization (least privileged first), as in Graph. */
export const ORGANIZATION_READ_ROLES = ['Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];

const NullableString = Type.Union([Type.String(), Type.Null()]);

const VerifiedDomainSchema = Type.Object(
  {
    capabilities: Type.String(),
    isDefault: Type.Boolean(),
    isInitial: Type.Boolean(),
    name: Type.String(),
    type: Type.String(),
  },
  { additionalProperties: true },
);

export const OrganizationSchema = Type.Object(
  {
    id: Type.String(),
    deletedDateTime: NullableString,
    businessPhones: Type.Array(Type.String()),
    city: NullableString,
    country: NullableString,
    countryLetterCode: NullableString,
    createdDateTime: NullableString,
    defaultUsageLocation: NullableString,
    displayName: NullableString,
    marketingNotificationEmails: Type.Array(Type.String()),
    mobileDeviceManagementAuthority: Type.String(),
    onPremisesLastSyncDateTime: NullableString,
    onPremisesSyncEnabled: Type.Union([Type.Boolean(), Type.Null()]),
    partnerTenantType: NullableString,
    postalCode: NullableString,
    preferredLanguage: NullableString,
    securityComplianceNotificationMails: Type.Array(Type.String()),
    securityComplianceNotificationPhones: Type.Array(Type.String()),
    state: NullableString,
    street: NullableString,
    technicalNotificationMails: Type.Array(Type.String()),
    tenantType: NullableString,
    assignedPlans: Type.Array(Type.Object({}, { additionalProperties: true })),
    provisionedPlans: Type.Array(Type.Object({}, { additionalProperties: true })),
    verifiedDomains: Type.Array(VerifiedDomainSchema),
  },
  { $id: 'microsoft.graph.organization', additionalProperties: true },
);

const OrganizationCollection = Type.Object(
  {
    '@odata.context': Type.String(),
    value: Type.Array(Shared(OrganizationSchema)),
  },
  { additionalProperties: true, description: 'The caller’s tenant, as the only organization' },
);

const OrganizationEntity = Entity(Shared(OrganizationSchema), 'The caller’s tenant');

/** Graph's timestamp form: seconds precision, Z. */
function graphTimestamp(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

/** The tenant as Graph's organization; `satisfies` keeps every property a real one of microsoft.graph.organization. */
export function toGraphOrganization(tenant: Tenant) {
  return {
    id: tenant.id,
    deletedDateTime: null,
    businessPhones: [],
    city: null,
    country: null,
    countryLetterCode: null,
    createdDateTime: graphTimestamp(tenant.createdAt),
    defaultUsageLocation: null,
    displayName: tenant.displayName,
    marketingNotificationEmails: [],
    mobileDeviceManagementAuthority: 'intune' as const,
    onPremisesLastSyncDateTime: null,
    onPremisesSyncEnabled: null,
    // A partner (CSP) tenant is a reseller with delegated admin in Graph's terms; customers and OEMs have none.
    partnerTenantType: tenant.kind === 'partner' ? ('resellerPartnerDelegatedAdmin' as const) : null,
    postalCode: null,
    preferredLanguage: null,
    securityComplianceNotificationMails: [],
    securityComplianceNotificationPhones: [],
    state: null,
    street: null,
    technicalNotificationMails: [],
    tenantType: 'AAD',
    assignedPlans: [],
    provisionedPlans: [],
    verifiedDomains: tenant.domains.map((d) => ({
      capabilities: d.isInitial ? 'Email, OfficeCommunicationsOnline' : 'None',
      isDefault: d.isDefault,
      isInitial: d.isInitial,
      name: d.name,
      type: 'Managed',
    })),
  } satisfies Organization;
}

export const organizationRoutes: TarmacPlugin = async (app) => {
  documentResponses(app, [OrganizationSchema]);

  async function callerTenant(tenantId: string): Promise<Tenant> {
    const tenant = await app.tenantsStore.tenants.findById(tenantId);
    // The token was valid a moment ago (requireRole checked the tenant); a tenant deleted since is simply gone.
    if (!tenant) throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${tenantId}' does not exist.`);
    return tenant;
  }

  for (const version of ['v1.0', 'beta'] as const) {
    app.get(
      `/${version}/organization`,
      {
        onRequest: app.requireRole(...ORGANIZATION_READ_ROLES),
        schema: {
          tags: ['graph'],
          summary: `List organization (${version}): the caller's tenant`,
          description: `Needs one of the application permissions ${ORGANIZATION_READ_ROLES.join(', ')}.`,
          security: [{ bearerAuth: [] }],
          response: { 200: OrganizationCollection, ...graphErrors() },
        },
      },
      async (request) => {
        const tenant = await callerTenant(authOf(request).tenantId);
        return { '@odata.context': `${app.baseUrl(request)}/${version}/$metadata#organization`, value: [toGraphOrganization(tenant)] };
      },
    );

    app.get(
      `/${version}/organization/:id`,
      {
        onRequest: app.requireRole(...ORGANIZATION_READ_ROLES),
        schema: {
          tags: ['graph'],
          summary: `Get organization (${version})`,
          security: [{ bearerAuth: [] }],
          params: Type.Object({ id: Type.String({ description: 'The tenant id' }) }),
          response: { 200: OrganizationEntity, ...graphErrors(404) },
        },
      },
      async (request) => {
        const auth = authOf(request);
        // Another tenant's id is "not found", so that existence never leaks across tenants.
        if (request.params.id.toLowerCase() !== auth.tenantId) {
          throw new GraphError(
            404,
            'Request_ResourceNotFound',
            `Resource '${request.params.id}' does not exist or one of its queried reference-property objects are not present.`,
          );
        }
        const tenant = await callerTenant(auth.tenantId);
        return { '@odata.context': `${app.baseUrl(request)}/${version}/$metadata#organization/$entity`, ...toGraphOrganization(tenant) };
      },
    );
  }
};
