// The signed-in user's organization (Graph /organization): its name, and whether it is a partner (CSP) tenant,
// whose users get Partner Center's views (customers, batches) instead of the customer pages.
import { useQuery } from '@tanstack/react-query';
import { graph, type Page } from '../api/client';

export interface Organization {
  id: string;
  displayName: string;
  partnerTenantType: string | null;
  verifiedDomains: { name: string; isDefault: boolean }[];
}

export function useOrganization() {
  return useQuery({
    queryKey: ['organization'],
    queryFn: async () => (await graph<Page<Organization>>('/v1.0/organization')).value[0] ?? null,
    staleTime: Infinity,
  });
}

export function isPartner(org: Organization | null | undefined): boolean {
  return org?.partnerTenantType != null;
}
