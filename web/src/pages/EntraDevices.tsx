// Microsoft Entra ID's device objects (GET /v1.0/devices), paged, searched by name prefix or device ID; the physical
// IDs show what Autopilot put there ([ZTDID], [OrderID] for the group tag, [PurchaseOrderId]).
import { Badge } from '@fluentui/react-components';
import { odataString } from '../api/client';
import { DevicesPagedTable, type PagedColumn } from '../components/DevicesPagedTable';

interface EntraDevice {
  id: string;
  displayName: string;
  deviceId: string;
  trustType: string | null;
  physicalIds: string[];
  accountEnabled: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function firstPage(search: string): string {
  const params = new URLSearchParams({ $top: '100', $count: 'true', $select: 'id,displayName,deviceId,trustType,physicalIds,accountEnabled' });
  if (search !== '') params.set('$filter', GUID.test(search) ? `deviceId eq ${odataString(search.toLowerCase())}` : `startswith(displayName,${odataString(search)})`);
  return `/v1.0/devices?${params.toString()}`;
}

const JOIN: Record<string, string> = { AzureAd: 'Microsoft Entra joined', ServerAd: 'Microsoft Entra hybrid joined', Workplace: 'Microsoft Entra registered' };

const COLUMNS: PagedColumn<EntraDevice>[] = [
  { label: 'Name', render: (d) => d.displayName },
  { label: 'Device ID', render: (d) => d.deviceId },
  { label: 'Join type', render: (d) => (d.trustType ? (JOIN[d.trustType] ?? d.trustType) : 'None (pre-created by Autopilot)') },
  { label: 'Physical IDs', render: (d) => d.physicalIds.join(', ') },
  {
    label: 'Enabled',
    render: (d) => (
      <Badge appearance="tint" color={d.accountEnabled ? 'success' : 'subtle'}>
        {d.accountEnabled ? 'Yes' : 'No'}
      </Badge>
    ),
  },
];

export default function EntraDevices(_props: { params: Record<string, string | undefined> }) {
  return <DevicesPagedTable<EntraDevice> label="Microsoft Entra devices" searchLabel="Search by name or device ID" firstPage={firstPage} columns={COLUMNS} />;
}
