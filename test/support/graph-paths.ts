// The Graph paths and @odata.type names the tests call, written once.
export const IMPORTS = '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities';
export const DEVICES = '/v1.0/deviceManagement/windowsAutopilotDeviceIdentities';
export const BETA_DEVICES = '/beta/deviceManagement/windowsAutopilotDeviceIdentities';
export const MANAGED = '/v1.0/deviceManagement/managedDevices';
export const BETA_MANAGED = '/beta/deviceManagement/managedDevices';
export const PROFILES = '/beta/deviceManagement/windowsAutopilotDeploymentProfiles';
export const SETTINGS = '/beta/deviceManagement/windowsAutopilotSettings';
export const AZURE_AD_PROFILE = '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile';
export const AD_PROFILE = '#microsoft.graph.activeDirectoryWindowsAutopilotDeploymentProfile';
