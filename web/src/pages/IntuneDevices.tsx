// Intune's managed devices (GET /v1.0/deviceManagement/managedDevices), paged, searched by device name prefix or
// serial number.
import { odataString } from '../api/client';
import { DevicesPagedTable, type PagedColumn } from '../components/DevicesPagedTable';
import { dateLabel } from '../lib/devices-api';

interface ManagedDevice {
  id: string;
  deviceName: string;
  serialNumber: string;
  managedDeviceOwnerType: string;
  deviceEnrollmentType: string;
  managementAgent: string;
  complianceState: string;
  userPrincipalName: string;
  lastSyncDateTime: string;
}

function firstPage(search: string): string {
  const params = new URLSearchParams({
    $top: '100',
    $count: 'true',
    $select: 'id,deviceName,serialNumber,managedDeviceOwnerType,deviceEnrollmentType,managementAgent,complianceState,userPrincipalName,lastSyncDateTime',
  });
  if (search !== '') params.set('$filter', `startswith(deviceName,${odataString(search)}) or contains(serialNumber,${odataString(search)})`);
  return `/v1.0/deviceManagement/managedDevices?${params.toString()}`;
}

const OWNER: Record<string, string> = { company: 'Corporate', personal: 'Personal', unknown: 'Unknown' };

const COLUMNS: PagedColumn<ManagedDevice>[] = [
  { label: 'Device name', render: (d) => d.deviceName },
  { label: 'Serial number', render: (d) => d.serialNumber },
  { label: 'Ownership', render: (d) => OWNER[d.managedDeviceOwnerType] ?? d.managedDeviceOwnerType },
  { label: 'Enrollment', render: (d) => d.deviceEnrollmentType },
  { label: 'Managed by', render: (d) => d.managementAgent },
  { label: 'Compliance', render: (d) => d.complianceState },
  { label: 'Primary user UPN', render: (d) => d.userPrincipalName },
  { label: 'Last check-in', render: (d) => dateLabel(d.lastSyncDateTime) },
];

export default function IntuneDevices(_props: { params: Record<string, string | undefined> }) {
  return <DevicesPagedTable<ManagedDevice> label="Windows devices (Intune)" searchLabel="Search by name or serial number" firstPage={firstPage} columns={COLUMNS} />;
}
