// The partner pages' calls and shapes: the customer's side (Tarmac's /tarmac/v1.0/partnerRelationships, a Graph
// token) and the partner's side (Partner Center /v1 with the user's delegated Partner Center token). Shapes follow
// src/http/routes/graph/partner-relationships.ts and src/http/routes/partner-center/*.ts.
import { graph, partnerCenter, type Page } from '../api/client';

export interface PartnerRelationship {
  partnerTenantId: string;
  partnerDisplayName: string;
  partnerDomain: string;
  kind: 'reseller' | 'oem';
  delegatedAdmin: boolean;
  acceptedDateTime: string;
}

const RELATIONSHIPS = '/tarmac/v1.0/partnerRelationships';

export async function listRelationships(): Promise<PartnerRelationship[]> {
  return (await graph<Page<PartnerRelationship>>(RELATIONSHIPS)).value;
}

export function acceptInvitation(invitation: string): Promise<PartnerRelationship> {
  return graph<PartnerRelationship>(RELATIONSHIPS, { method: 'POST', body: { invitation } });
}

export function revokeRelationship(partnerTenantId: string): Promise<null> {
  return graph<null>(`${RELATIONSHIPS}/${encodeURIComponent(partnerTenantId)}`, { method: 'DELETE' });
}

/** Partner Center's collection: {totalCount, items, links, attributes}. */
export interface PcCollection<T> {
  totalCount: number;
  items: T[];
  continuationToken?: string | null;
}

export interface Customer {
  id: string;
  companyProfile: { tenantId: string; domain: string; companyName: string };
  relationshipToPartner: string;
  allowDelegatedAccess: boolean;
}

export interface DeviceBatch {
  id: string;
  createdBy: string;
  creationDate: string;
  devicesCount: number;
}

export interface BatchDevice {
  id: string;
  serialNumber: string | null;
  productKey: string | null;
  modelName: string | null;
  oemManufacturerName: string | null;
  policies: { key: string; value: string | null }[];
  uploadedDate: string;
  uploadedBy: string;
}

export interface ConfigurationPolicy {
  id: string;
  name: string;
}

export interface DeviceUploadDetails {
  deviceId?: string;
  serialNumber: string | null;
  productKey: string | null;
  status: string;
  errorCode: string | null;
  errorDescription: string | null;
}

export interface BatchUploadDetails {
  batchTrackingId: string;
  status: string;
  startedTime: string;
  completedTime?: string;
  devicesStatus: DeviceUploadDetails[];
}

const customerPath = (customerId: string) => `/v1/customers/${encodeURIComponent(customerId)}`;

export async function invitationUrl(): Promise<string> {
  return (await partnerCenter<{ url: string }>('/v1/customers/relationshiprequests')).data.url;
}

export async function listCustomers(): Promise<Customer[]> {
  return (await partnerCenter<PcCollection<Customer>>('/v1/customers')).data.items;
}

export async function getCustomer(customerId: string): Promise<Customer> {
  return (await partnerCenter<Customer>(customerPath(customerId))).data;
}

export async function listBatches(customerId: string): Promise<DeviceBatch[]> {
  return (await partnerCenter<PcCollection<DeviceBatch>>(`${customerPath(customerId)}/deviceBatches`)).data.items;
}

export async function listPolicies(customerId: string): Promise<ConfigurationPolicy[]> {
  return (await partnerCenter<PcCollection<ConfigurationPolicy>>(`${customerPath(customerId)}/policies`)).data.items;
}

/** One page (100) of a batch's devices; `continuationToken` asks for the page after it. */
export async function batchDevicesPage(customerId: string, batchId: string, continuationToken: string | null): Promise<{ devices: BatchDevice[]; next: string | null }> {
  const headers: Record<string, string> = continuationToken !== null ? { 'MS-ContinuationToken': continuationToken } : {};
  const { data } = await partnerCenter<PcCollection<BatchDevice>>(`${customerPath(customerId)}/deviceBatches/${encodeURIComponent(batchId)}/devices`, { headers });
  return { devices: data.items, next: data.continuationToken ?? null };
}

export async function batchJobStatus(customerId: string, trackingId: string): Promise<BatchUploadDetails> {
  return (await partnerCenter<BatchUploadDetails>(`${customerPath(customerId)}/batchJobStatus/${encodeURIComponent(trackingId)}`)).data;
}

/** A tracking id, from itself or from a Location header / URL that ends in batchJobStatus/{id}. */
export function trackingIdOf(input: string): string | null {
  const text = input.trim();
  const m = /batchJobStatus\/([^/?#\s]+)/i.exec(text);
  const id = m?.[1] ?? text;
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : null;
}

/** Partner Center's upload statuses in words. */
export function uploadStatusText(status: string): string {
  switch (status) {
    case 'queued':
      return 'Queued';
    case 'processing':
      return 'Processing';
    case 'finished':
      return 'Registered';
    case 'finished_with_errors':
      return 'Failed';
    default:
      return status;
  }
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
