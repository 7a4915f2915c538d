// /beta/deviceManagement/windowsAutopilotDeploymentProfiles: profiles, assignments, the AutopilotConfigurationFile.json export.
import type { TarmacPlugin } from '../../types.js';

export const deploymentProfileRoutes: TarmacPlugin = async (app) => {
  void app;
};
