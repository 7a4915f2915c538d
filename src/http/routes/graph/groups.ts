// /v1.0/groups and /beta/groups: groups with dynamic device membership rules, and their members.
import type { TarmacPlugin } from '../../types.js';

export const groupRoutes: TarmacPlugin = async (app) => {
  void app;
};
