// The registry domain: import (accept, then register asynchronously), devices (update, deregister), sync.
// No SQL (storage is ports.ts, implemented by src/store/*-repository.ts) and no HTTP.
export * from './ports.js';
export { ZTD_ERRORS, RegistryError, type ZtdErrorName, type RegistryErrorCode } from './errors.js';
export { registryKeys, hashlessKey, keyString, autopilotPhysicalIds, AUTOPILOT_PHYSICAL_ID_PREFIXES } from './identity-keys.js';
export { acceptImportItems, importDevices, queueImportedDevices, MAX_IMPORT_ITEMS, MAX_HASH_TEXT_LENGTH, type ImportItem, type ImportDevicesInput } from './import-devices.js';
export { processImportBatch, type ProcessImportsOptions, type BatchResult, type BatchRetry } from './process-imports.js';
export { ImportWorker, type ImportWorkerOptions } from './import-worker.js';
export { findDevice, updateDevice, allowNextEnrollment, deviceNotFound } from './update-device.js';
export { deregisterDevice, deregisterInOrder, deregisterRegistrationOnly, deregisterBySerialNumbers, type DeletedDeviceState, type EntraOutcome } from './deregister-device.js';
export { offboardDevice, type OffboardReport, type OffboardStep, type OffboardSystem } from './offboard-device.js';
export { replaceRegisteredHardware } from './replace-hardware.js';
export { registeredHardware, type RegisteredHardware } from './hardware-identifier.js';
export { attachFirstHardware, type FirstHardware } from './attach-hardware.js';
export { convertToAutopilot, type ConvertInput } from './convert-device.js';
export { getAutopilotSettings, requestSync, completeSyncs, DEFAULT_SYNC_INTERVAL_SECONDS } from './sync.js';
