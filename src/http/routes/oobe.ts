// /oobe/v1/*: what the PC itself calls at OOBE (no admin token; rate-limited per client).
import type { TarmacPlugin } from '../types.js';

export const oobeRoutes: TarmacPlugin = async (app) => {
  void app;
};
