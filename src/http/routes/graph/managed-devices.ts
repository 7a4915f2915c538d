// /{v1.0,beta}/deviceManagement/managedDevices: Intune managed devices (list, get, delete).
import type { TarmacPlugin } from '../../types.js';

export const managedDeviceRoutes: TarmacPlugin = async (app) => {
  void app;
};
