// The Intune domain: managed devices (created by enrollment, src/oobe) and their deletion. No SQL, no HTTP.
export * from './ports.js';
export { deleteManagedDevice, findManagedDevice, managedDeviceNotFound } from './delete-managed-device.js';
