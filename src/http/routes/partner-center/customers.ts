// The partner's customers and the reseller relationship (partner-center-reference §5):
//   GET   /v1/customers/relationshiprequests  the invitation link to send a customer
//   GET   /v1/customers                       customers with a relationship
//   GET   /v1/customers/{customer-id}         one of them
//   PATCH /v1/customers/{customer-id}         {"relationshipToPartner":"none"} removes the relationship
import { Type } from '@sinclair/typebox';
import { PartnerError, customersOf, invitationLink, property, removeRelationship } from '../../../partners/index.js';
import { ApiFaultSchema } from '../../partner-center-errors.js';
import type { TarmacPlugin } from '../../types.js';
import { partnerCenterCaller } from './caller.js';
import { CollectionOf, CustomerSchema, attributes, collection, customerResource } from './shapes.js';
import { audited } from '../../audit-specs.js';

const CustomerParams = Type.Object({ customerId: Type.String({ description: 'The customer tenant id (GUID)' }) });
const errors = { 400: ApiFaultSchema, 401: ApiFaultSchema, 403: ApiFaultSchema, 404: ApiFaultSchema };
const tags = ['partner center'];

export const customerRoutes: TarmacPlugin = async (app) => {
  app.get(
    '/customers/relationshiprequests',
    {
      schema: {
        tags,
        summary: 'Get the invitation link that asks a customer for a reseller relationship',
        querystring: Type.Object({ DAP: Type.Optional(Type.Boolean({ description: 'Ask for delegated admin too (Autopilot never needs it)' })) }),
        response: { 200: Type.Object({ url: Type.String(), attributes: Type.Object({ objectType: Type.String() }) }), ...errors },
      },
    },
    async (request) => {
      const { partner } = partnerCenterCaller(request);
      return { url: invitationLink(app.baseUrl(request), partner, request.query.DAP === true), attributes: attributes('RelationshipRequest') };
    },
  );

  app.get(
    '/customers',
    { schema: { tags, summary: "The partner's customers (those that accepted a relationship)", response: { 200: CollectionOf(CustomerSchema), ...errors } } },
    async (request) => {
      const { partner } = partnerCenterCaller(request);
      const customers = await customersOf({ tenants: app.tenantsStore.tenants, relationships: app.registry.store.relationships }, partner);
      return collection(customers.map((c) => customerResource(c.customer, c.relationship)));
    },
  );

  app.get(
    '/customers/:customerId',
    { schema: { tags, summary: 'One customer of the partner', params: CustomerParams, response: { 200: CustomerSchema, ...errors } } },
    async (request) => {
      const { relationship } = partnerCenterCaller(request);
      const customer = await app.tenantsStore.tenants.findById(request.params.customerId.toLowerCase());
      if (!customer) throw new PartnerError('NotFound', `Customer ${request.params.customerId} was not found.`);
      return customerResource(customer, relationship);
    },
  );

  app.patch(
    '/customers/:customerId',
    {
      config: audited('partnerRelationship', 'Delete', { ids: (call) => (call.request.partnerCenter ? [call.request.partnerCenter.partner.id] : []) }),
      schema: {
        tags,
        summary: 'Remove the reseller relationship with a customer ({"relationshipToPartner":"none"})',
        params: CustomerParams,
        body: Type.Object({ relationshipToPartner: Type.Optional(Type.String()) }, { additionalProperties: true }),
        response: { 200: CustomerSchema, ...errors },
      },
    },
    async (request) => {
      const { partner } = partnerCenterCaller(request);
      const value = property(request.body, 'relationshipToPartner');
      if (typeof value !== 'string' || value.toLowerCase() !== 'none') {
        throw new PartnerError('InvalidInput', 'Only {"relationshipToPartner": "none"} (removing the relationship) can be changed here.', ['relationshipToPartner']);
      }
      const customerId = request.params.customerId.toLowerCase();
      await removeRelationship(app.registry.store.relationships, partner.id, customerId);
      const customer = await app.tenantsStore.tenants.findById(customerId);
      if (!customer) throw new PartnerError('NotFound', `Customer ${customerId} was not found.`);
      return customerResource(customer, null);
    },
  );
};
