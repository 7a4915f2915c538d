// /beta/deviceManagement/windowsAutopilotDeviceIdentities/{id}/offboard (Tarmac's extension): Intune, user, Autopilot, Entra in order.
import type { TarmacPlugin } from '../../types.js';

export const autopilotOffboardRoutes: TarmacPlugin = async (app) => {
  void app;
};
