// A new import row: what the submitter gave, every bookkeeping property at its start (unknown, no error), and the
// customer as origin unless a partner or OEM submitted it. Its id is time-ordered (newObjectId) unless given: rows are
// inserted in bulk, and their index then grows at its right-hand edge.
import { newObjectId } from '../model/index.js';
import type { ImportedDevice } from './ports.js';

export type NewImportedDeviceFields = Pick<ImportedDevice, 'tenantId'> & Partial<Omit<ImportedDevice, 'createdAt' | 'updatedAt'>>;

export function newImportedDevice(fields: NewImportedDeviceFields, now: string): ImportedDevice {
  return {
    id: newObjectId(),
    importId: '',
    groupTag: '',
    serialNumber: '',
    productKey: '',
    hardwareIdentifier: null,
    assignedUserPrincipalName: '',
    manufacturer: '',
    model: '',
    origin: 'customer',
    originTenantId: null,
    jobId: null,
    jobPosition: null,
    batchId: null,
    status: 'unknown',
    deviceRegistrationId: null,
    deviceErrorCode: 0,
    deviceErrorName: '',
    decoded: null,
    ...fields,
    createdAt: now,
    updatedAt: now,
  };
}
