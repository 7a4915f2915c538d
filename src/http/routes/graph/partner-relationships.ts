// The customer's own side of partner (CSP) and OEM relationships — Tarmac's API, not Graph's: Microsoft has no public
// API for accepting a reseller or OEM invitation (the customer's admin accepts it in the Microsoft 365 admin center).
// Tarmac gives the customer's apps one, Graph-shaped (a Graph token, Graph's error envelope, @odata.context), under
// /tarmac/v1.0 so that nothing pretends to be a Graph resource:
//   POST   /tarmac/v1.0/partnerRelationships {"invitation": "<link or code>"}  accept: 201 with the relationship
//   GET    /tarmac/v1.0/partnerRelationships                                   the customer's partners and OEMs
//   GET    /tarmac/v1.0/partnerRelationships/{partnerTenantId}                 one of them
//   DELETE /tarmac/v1.0/partnerRelationships/{partnerTenantId}                 revoke: 204 (404 when there is none)
// Directory.ReadWrite.All to accept or revoke (a consent given on the tenant's behalf, like Entra's admin consent),
// Directory.Read.All (or ReadWrite) to read. PartnerError answers through the app's one error map.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { PartnerError, acceptInvitation, partnersOf, revokeConsent, type Relationship, type RelationshipDeps } from '../../../partners/index.js';
import type { Tenant } from '../../../tenants/index.js';
import { GraphError } from '../../graph-errors.js';
import { authOf } from '../../plugins/auth.js';
import type { TarmacPlugin } from '../../types.js';
import { Collection, DateTime, Entity, NoContent, Shared, StringEnum, documentResponses, graphErrors } from './schemas/common.js';
import { audited, param } from '../../audit-specs.js';

/** Accepting or revoking consents for the whole tenant: an administrator's permission. */
export const RELATIONSHIP_WRITE = ['Directory.ReadWrite.All'];
export const RELATIONSHIP_READ = ['Directory.Read.All', 'Directory.ReadWrite.All'];

const BASE = '/tarmac/v1.0/partnerRelationships';

const ROLE_HELP =
  "The default app roles hold neither; an admin app gets one with `tarmac app create --tenant <tenant> --role Directory.ReadWrite.All` " +
  '(or Directory.Read.All to read only).';

export const PartnerRelationshipSchema = Type.Object(
  {
    partnerTenantId: Type.String({ description: "The partner's or OEM's tenant id" }),
    partnerDisplayName: Type.String(),
    partnerDomain: Type.String({ description: "The partner's initial domain" }),
    kind: StringEnum(['reseller', 'oem'] as const, { description: 'reseller: a CSP (Partner Center, /v1); oem: an OEM (the OEM API, /oem/v1)' }),
    delegatedAdmin: Type.Boolean({ description: 'Whether the invitation asked for delegated admin (DAP); Autopilot never needs it' }),
    acceptedDateTime: DateTime('When the customer accepted (accepting again renews it)'),
  },
  { $id: 'tarmac.partnerRelationship', additionalProperties: true, description: "A partner's or OEM's relationship with the customer" },
);

const PartnerParams = Type.Object({ partnerTenantId: Type.String({ description: "The partner's or OEM's tenant id" }) });

function view(partner: Tenant, relationship: Relationship) {
  return {
    partnerTenantId: partner.id,
    partnerDisplayName: partner.displayName,
    partnerDomain: partner.domains[0]?.name ?? partner.id,
    kind: relationship.kind,
    delegatedAdmin: relationship.delegatedAdmin,
    acceptedDateTime: relationship.acceptedAt,
  };
}

export const partnerRelationshipRoutes: TarmacPlugin = async (app) => {
  documentResponses(app, [PartnerRelationshipSchema]);
  const deps: RelationshipDeps = { tenants: app.tenantsStore.tenants, relationships: app.registry.store.relationships };
  const context = (request: FastifyRequest, fragment: string) => `${app.baseUrl(request)}/tarmac/v1.0/$metadata#${fragment}`;
  const tags = ['tarmac'];
  const security = [{ bearerAuth: [] }];

  async function callerTenant(request: FastifyRequest): Promise<Tenant> {
    const tenantId = authOf(request).tenantId;
    const tenant = await app.tenantsStore.tenants.findById(tenantId);
    if (!tenant) throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${tenantId}' does not exist.`);
    return tenant;
  }

  app.post(
    BASE,
    {
      config: audited('partnerRelationship', 'Create'),
      onRequest: app.requireRole(...RELATIONSHIP_WRITE),
      schema: {
        tags,
        summary: "Accept a partner's or an OEM's invitation (Tarmac's API: Microsoft has none)",
        description:
          "Microsoft has no public API for accepting a reseller (or OEM) invitation: the customer's admin accepts the link in the " +
          'Microsoft 365 admin center. This is Tarmac’s: the body names the invitation link (any host; its invType and partnerId count) ' +
          "or its code (the partner's tenant id); the relationship exists at once. Needs Directory.ReadWrite.All. " +
          ROLE_HELP,
        security,
        body: Type.Object({ invitation: Type.String({ minLength: 1, description: "The invitation link, or the partner's tenant id" }) }),
        response: { 201: Entity(Shared(PartnerRelationshipSchema), 'The relationship, accepted'), ...graphErrors(400) },
      },
    },
    async (request, reply) => {
      const { relationship, partner } = await acceptInvitation(deps, await callerTenant(request), request.body.invitation, app.now());
      reply.code(201).header('location', `${app.baseUrl(request)}${BASE}/${partner.id}`);
      return { '@odata.context': context(request, 'partnerRelationships/$entity'), ...view(partner, relationship) };
    },
  );

  app.get(
    BASE,
    {
      onRequest: app.requireRole(...RELATIONSHIP_READ),
      schema: {
        tags,
        summary: "List the partners and OEMs the customer has accepted (Tarmac's API)",
        description: `Oldest first. Needs ${RELATIONSHIP_READ.join(' or ')}. ${ROLE_HELP}`,
        security,
        response: { 200: Collection(Shared(PartnerRelationshipSchema), "The customer's relationships"), ...graphErrors() },
      },
    },
    async (request) => {
      const partners = await partnersOf(deps, await callerTenant(request));
      return { '@odata.context': context(request, 'partnerRelationships'), value: partners.map((p) => view(p.partner, p.relationship)) };
    },
  );

  app.get(
    `${BASE}/:partnerTenantId`,
    {
      onRequest: app.requireRole(...RELATIONSHIP_READ),
      schema: {
        tags,
        summary: "Get the customer's relationship with one partner or OEM (Tarmac's API)",
        description: `Needs ${RELATIONSHIP_READ.join(' or ')}. ${ROLE_HELP}`,
        security,
        params: PartnerParams,
        response: { 200: Entity(Shared(PartnerRelationshipSchema), 'The relationship'), ...graphErrors(404) },
      },
    },
    async (request) => {
      const wanted = request.params.partnerTenantId.toLowerCase();
      const found = (await partnersOf(deps, await callerTenant(request))).find((p) => p.partner.id === wanted);
      if (!found) throw new PartnerError('NotFound', `The tenant has no relationship with partner ${request.params.partnerTenantId}.`);
      return { '@odata.context': context(request, 'partnerRelationships/$entity'), ...view(found.partner, found.relationship) };
    },
  );

  app.delete(
    `${BASE}/:partnerTenantId`,
    {
      config: audited('partnerRelationship', 'Delete', { ids: param('partnerTenantId') }),
      onRequest: app.requireRole(...RELATIONSHIP_WRITE),
      schema: {
        tags,
        summary: "Revoke a partner's or OEM's relationship (Tarmac's API)",
        description:
          "From the partner's next call on, Partner Center (or the OEM API) refuses it for this customer (403, code 20002); devices it " +
          `registered stay registered. 404 when there is no such relationship. Needs Directory.ReadWrite.All. ${ROLE_HELP}`,
        security,
        params: PartnerParams,
        response: { 204: NoContent('Revoked'), ...graphErrors(404) },
      },
    },
    async (request, reply) => {
      await revokeConsent(deps, await callerTenant(request), request.params.partnerTenantId);
      return reply.code(204).send();
    },
  );
};
