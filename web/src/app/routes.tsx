// The console's pages, each its own chunk (loaded on first visit), in Intune's order and with Intune's titles.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface PageRoute {
  path: string;
  title: string;
  /** In the left navigation (with its section), or reached from another page only. */
  nav?: { section: 'Home' | 'Windows Autopilot' | 'Directory' | 'Partners'; label: string };
  /** Shown only to users of a partner (CSP) tenant, or only to users of other tenants. */
  audience?: 'partner' | 'customer';
  component: LazyExoticComponent<ComponentType<{ params: Record<string, string | undefined> }>>;
}

export const ROUTES: PageRoute[] = [
  { path: '/', title: 'Overview', nav: { section: 'Home', label: 'Overview' }, component: lazy(() => import('../pages/Overview')) },
  { path: '/devices', title: 'Windows Autopilot devices', nav: { section: 'Windows Autopilot', label: 'Devices' }, audience: 'customer', component: lazy(() => import('../pages/Devices')) },
  { path: '/import', title: 'Import Windows Autopilot devices', nav: { section: 'Windows Autopilot', label: 'Import' }, audience: 'customer', component: lazy(() => import('../pages/Import')) },
  { path: '/profiles', title: 'Windows Autopilot deployment profiles', nav: { section: 'Windows Autopilot', label: 'Deployment profiles' }, audience: 'customer', component: lazy(() => import('../pages/Profiles')) },
  { path: '/profiles/new', title: 'Create profile', audience: 'customer', component: lazy(() => import('../pages/ProfileWizard')) },
  { path: '/profiles/:id', title: 'Deployment profile', audience: 'customer', component: lazy(() => import('../pages/ProfileWizard')) },
  { path: '/groups', title: 'Groups', nav: { section: 'Directory', label: 'Groups' }, audience: 'customer', component: lazy(() => import('../pages/Groups')) },
  { path: '/groups/new', title: 'New group', audience: 'customer', component: lazy(() => import('../pages/GroupEditor')) },
  { path: '/groups/:id', title: 'Group', audience: 'customer', component: lazy(() => import('../pages/GroupEditor')) },
  { path: '/entra-devices', title: 'Devices | All devices (Microsoft Entra ID)', nav: { section: 'Directory', label: 'Entra devices' }, audience: 'customer', component: lazy(() => import('../pages/EntraDevices')) },
  { path: '/intune-devices', title: 'Windows devices (Intune)', nav: { section: 'Directory', label: 'Intune devices' }, audience: 'customer', component: lazy(() => import('../pages/IntuneDevices')) },
  { path: '/partners', title: 'Partner relationships', nav: { section: 'Partners', label: 'Partner relationships' }, audience: 'customer', component: lazy(() => import('../pages/Partners')) },
  { path: '/customers', title: 'Customers', nav: { section: 'Partners', label: 'Customers' }, audience: 'partner', component: lazy(() => import('../pages/PartnerCustomers')) },
  { path: '/customers/:customerId', title: 'Device batches', audience: 'partner', component: lazy(() => import('../pages/PartnerBatches')) },
  { path: '/customers/:customerId/batches/:batchId', title: 'Device batch', audience: 'partner', component: lazy(() => import('../pages/PartnerBatch')) },
];
