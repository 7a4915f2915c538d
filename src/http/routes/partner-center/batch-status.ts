// GET /v1/customers/{customer-id}/batchJobStatus/{trackingId} (partner-center-reference §2.3): the status of a
// device upload (or any other job of the customer the caller submitted), per device with DDS codes. The batch is
// `finished` once every device is settled, even when some failed; the rules are in src/partners/device-batches.ts.
import { Type } from '@sinclair/typebox';
import { batchStatus } from '../../../partners/index.js';
import { ApiFaultSchema } from '../../partner-center-errors.js';
import type { TarmacPlugin } from '../../types.js';
import { partnerCenterCaller } from './caller.js';
import { BatchUploadDetailsSchema, batchUploadDetails } from './device-shapes.js';

export const batchStatusRoutes: TarmacPlugin = async (app) => {
  app.get(
    '/customers/:customerId/batchJobStatus/:trackingId',
    {
      schema: {
        tags: ['partner center'],
        summary: 'The status of a device upload (BatchUploadDetails)',
        params: Type.Object({ customerId: Type.String(), trackingId: Type.String({ description: 'The batch tracking id from the Location header' }) }),
        response: { 200: BatchUploadDetailsSchema, 400: ApiFaultSchema, 401: ApiFaultSchema, 403: ApiFaultSchema, 404: ApiFaultSchema },
      },
    },
    async (request) => {
      const { partner, relationship } = partnerCenterCaller(request);
      if (!relationship) throw new Error('batchJobStatus runs only under /customers/{customer-id}');
      return batchUploadDetails(await batchStatus(app.registry.store, partner, relationship.customerTenantId, request.params.trackingId));
    },
  );
};
