// The device side: what a PC does at OOBE and after (profile download, enrollment, workplace join, check-in).
// No HTTP (src/http/routes/oobe.ts) and no SQL (the registry store).
export { OobeError, SDM_ONE_TIME_LIMIT_HRESULT, SDM_ONE_TIME_LIMIT_MESSAGE, type OobeErrorKind } from './errors.js';
export type { OobeTenants } from './ports.js';
export { presentedHardware, registeredDevice, registeredDeviceAtBoot, windowsDefaultName, type PresentedHardware } from './identify-device.js';
export { compareHardware, describeBoardChange, type HardwareComparison, type BoardComponent, type ToleratedComponent } from './hardware-change.js';
export { checkHardware, captureIfAutomatic, type HardwareCheck } from './hardware-remediation.js';
export { deliverProfile, CONTACT_INTERVAL_MS, type ProfileDelivery } from './deliver-profile.js';
export { ContactWriter } from './contact-writer.js';
export { enrollDevice, INTUNE_MDM_APP_ID, type EnrollInput, type EnrollResult } from './enroll-device.js';
export { workplaceJoin, type WorkplaceJoinInput, type WorkplaceJoinResult } from './workplace-join.js';
export { checkIn } from './check-in.js';
export { enrollOffline, readConfigurationFile, OFFLINE_PROFILE_PREFIX, type OfflineConfiguration, type OfflineEnrollInput, type OfflineEnrollResult } from './enroll-offline.js';
