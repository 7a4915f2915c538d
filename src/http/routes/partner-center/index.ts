// The Partner Center API face (partner-center-reference.md): /v1/customers/{customer-id}/… for partner (CSP)
// tenants, wire-compatible with Microsoft's .NET SDK, PowerShell module and the scripts built on them. The scope
// (scope.ts, shared with the OEM API) gives every route Partner Center's body tolerances, headers, caller (a Partner
// Center token of a partner tenant) and ApiFault errors; path spelling is made canonical before routing (paths.ts,
// through the app's rewriteUrl). On /customers/{customer-id}/… the relationship with that customer is checked
// before anything is read, so that without one every route answers 403 20002 and nothing else.
import type { TarmacPlugin } from '../../types.js';
import { batchStatusRoutes } from './batch-status.js';
import { customerRelationship, partnerCenterCaller } from './caller.js';
import { customerRoutes } from './customers.js';
import { deviceBatchRoutes } from './device-batches.js';
import { policyRoutes } from './policies.js';
import { partnerCenterScope } from './scope.js';

export const partnerCenterRoutes: TarmacPlugin = async (app) => {
  partnerCenterScope(app, { caller: 'partner', apiName: 'Partner Center' });

  app.addHook('onRequest', async (request) => {
    const customerId = (request.params as Record<string, string | undefined>)['customerId'];
    if (customerId !== undefined) {
      const caller = partnerCenterCaller(request);
      caller.relationship = await customerRelationship(app, caller, customerId);
    }
  });

  await app.register(customerRoutes);
  await app.register(deviceBatchRoutes);
  await app.register(batchStatusRoutes);
  await app.register(policyRoutes);
};
