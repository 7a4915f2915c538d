// Partner Center configuration policies, a customer's "Windows Autopilot profiles" (partner-center-reference §2.9, §3):
//   POST   /v1/customers/{customer-id}/policies              create → 200 ConfigurationPolicy (not 201)
//   GET    /v1/customers/{customer-id}/policies              Collection of ConfigurationPolicy
//   GET    /v1/customers/{customer-id}/policies/{policy-id}  one
//   PUT    /v1/customers/{customer-id}/policies/{policy-id}  name, description, policySettings → 200
//   DELETE /v1/customers/{customer-id}/policies/{policy-id}  204 (devices it was applied to lose it)
// Bodies are read by the domain (src/partners/policies.ts): property names in any case, the SDK's PascalCase included.
import { Type, type Static } from '@sinclair/typebox';
import { createPolicy, deletePolicy, getPolicy, listPolicies, updateDevicePolicies, updatePolicy, POLICY_SETTINGS, type PartnerPolicyWithCount, type PolicyContext } from '../../../partners/index.js';
import { ApiFaultSchema } from '../../partner-center-errors.js';
import type { TarmacApp, TarmacPlugin } from '../../types.js';
import { partnerCenterCaller } from './caller.js';
import { Attributes, CollectionOf, attributes, collection, partnerCenterDate } from './shapes.js';
import { audited, auditedAction, param } from '../../audit-specs.js';

export const ConfigurationPolicySchema = Type.Object(
  {
    id: Type.String({ description: 'The policy id (GUID)' }),
    name: Type.String(),
    category: Type.Literal('o_o_b_e', { description: 'PolicyCategory: always o_o_b_e' }),
    description: Type.String(),
    devicesAssignedCount: Type.Integer({ description: 'Devices the policy is applied to now' }),
    policySettings: Type.Array(Type.Union(POLICY_SETTINGS.map((s) => Type.Literal(s))), { description: 'PolicySettingsType names' }),
    createdDate: Type.String({ format: 'date-time' }),
    lastModifiedDate: Type.String({ format: 'date-time' }),
    attributes: Attributes,
  },
  { description: 'A Partner Center configuration policy (Windows Autopilot profile) of a customer' },
);

// No `type`: an array or a scalar body reaches the domain, whose 400 names the body (Fastify's would name nothing).
const PolicyBody = Type.Unsafe<unknown>({
  description:
    'ConfigurationPolicy; property names in any case (the SDK sends Name, Category, PolicySettings): name (required on create); ' +
    'category (o_o_b_e; none, what the SDK sends when unset, means o_o_b_e); description; policySettings (required on create: ' +
    `PolicySettingsType names (${POLICY_SETTINGS.join(', ')}), their flag values, or ["none"])`,
});

const CustomerParams = Type.Object({ customerId: Type.String({ description: 'The customer tenant id (GUID)' }) });
const PolicyParams = Type.Object({ customerId: Type.String({ description: 'The customer tenant id (GUID)' }), policyId: Type.String() });
const errors = { 400: ApiFaultSchema, 401: ApiFaultSchema, 403: ApiFaultSchema, 404: ApiFaultSchema };
const tags = ['partner center'];

export function configurationPolicyResource(p: PartnerPolicyWithCount): Static<typeof ConfigurationPolicySchema> {
  return {
    id: p.id,
    name: p.name,
    category: p.category,
    description: p.description,
    devicesAssignedCount: p.devicesAssignedCount,
    policySettings: p.settings,
    createdDate: partnerCenterDate(p.createdAt),
    lastModifiedDate: partnerCenterDate(p.updatedAt),
    attributes: attributes('ConfigurationPolicy'),
  };
}

/** The policies of the path's customer (the scope's hook has checked the caller's relationship with it). */
function policiesOf(app: TarmacApp, customerId: string): PolicyContext {
  return { policies: app.registry.store.partnerPolicies, customerTenantId: customerId.toLowerCase() };
}

export const policyRoutes: TarmacPlugin = async (app) => {
  app.post(
    '/customers/:customerId/policies',
    {
      config: audited('configurationPolicy', 'Create'),
      schema: {
        tags,
        summary: 'Create a configuration policy (Windows Autopilot profile) for the customer',
        params: CustomerParams,
        body: PolicyBody,
        response: { 200: ConfigurationPolicySchema, ...errors },
      },
    },
    async (request) => {
      const { partner } = partnerCenterCaller(request);
      return configurationPolicyResource(await createPolicy(policiesOf(app, request.params.customerId), partner.id, request.body, app.now()));
    },
  );

  app.get(
    '/customers/:customerId/policies',
    { schema: { tags, summary: "The customer's configuration policies", params: CustomerParams, response: { 200: CollectionOf(ConfigurationPolicySchema), ...errors } } },
    async (request) => {
      partnerCenterCaller(request);
      return collection((await listPolicies(policiesOf(app, request.params.customerId))).map(configurationPolicyResource));
    },
  );

  app.get(
    '/customers/:customerId/policies/:policyId',
    { schema: { tags, summary: 'One configuration policy', params: PolicyParams, response: { 200: ConfigurationPolicySchema, ...errors } } },
    async (request) => {
      partnerCenterCaller(request);
      return configurationPolicyResource(await getPolicy(policiesOf(app, request.params.customerId), request.params.policyId));
    },
  );

  app.put(
    '/customers/:customerId/policies/:policyId',
    {
      config: audited('configurationPolicy', 'Patch', { ids: param('policyId') }),
      schema: {
        tags,
        summary: 'Update a configuration policy (name, description, policySettings; id and category are fixed)',
        params: PolicyParams,
        body: PolicyBody,
        response: { 200: ConfigurationPolicySchema, ...errors },
      },
    },
    async (request) => {
      partnerCenterCaller(request);
      return configurationPolicyResource(await updatePolicy(policiesOf(app, request.params.customerId), request.params.policyId, request.body, app.now()));
    },
  );

  app.delete(
    '/customers/:customerId/policies/:policyId',
    {
      config: audited('configurationPolicy', 'Delete', { ids: param('policyId') }),
      schema: {
        tags,
        summary: 'Delete a configuration policy; the devices it was applied to lose it',
        params: PolicyParams,
        response: { 204: Type.Unsafe<undefined>({ type: 'null', description: 'Deleted' }), ...errors },
      },
    },
    async (request, reply) => {
      partnerCenterCaller(request);
      await deletePolicy(policiesOf(app, request.params.customerId), request.params.policyId);
      return reply.code(204).send();
    },
  );

  app.patch(
    '/customers/:customerId/DevicePolicyUpdates',
    {
      config: auditedAction('devicePolicyUpdate', 'devicePolicyUpdates'),
      schema: {
        tags,
        summary: 'Apply a configuration policy to devices partners registered, or remove it (value null)',
        params: CustomerParams,
        body: Type.Unsafe<unknown>({ description: 'DevicePolicyUpdateRequest {devices:[{id, policies:[{key:"o_o_b_e", value:"<policyId>"|null}]}]}, property names in any case' }),
        response: { 202: Type.Unsafe<undefined>({ type: 'null', description: 'Empty; the Location header names the batch status of the update' }), ...errors },
      },
    },
    async (request, reply) => {
      const { partner } = partnerCenterCaller(request);
      const rid = request.headers['ms-requestid'];
      const job = await updateDevicePolicies(
        app.registry.store,
        {
          customerTenantId: request.params.customerId,
          partnerTenantId: partner.id,
          requestId: typeof rid === 'string' && rid.trim() !== '' ? rid.trim() : null,
          body: request.body,
        },
        app.now(),
      );
      return reply.code(202).header('location', `/customers/${request.params.customerId.toLowerCase()}/batchJobStatus/${job.id}`).send(undefined);
    },
  );
};
