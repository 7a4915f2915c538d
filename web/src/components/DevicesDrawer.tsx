// The device's property pane (reference A.4), an overlay drawer: editable device name, group tag and user (Save),
// the Autopilot record with its assigned and intended profile and remediation state, the hardware decoded in the
// browser from the registered hash (Tarmac's /tarmac/v1.0 hardwareIdentifier, src/hash/browser.ts), the Entra and
// Intune objects, and Delete / Offboard in the documented order.
import {
  Button,
  Caption1,
  Divider,
  DrawerBody,
  DrawerHeader,
  DrawerHeaderTitle,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  OverlayDrawer,
  Spinner,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { decodeHardwareHash, type HardwareInventory } from '../../../src/hash/browser.js';
import { graph, odataString, type Page } from '../api/client';
import {
  assignUser,
  dateLabel,
  deviceActionPath,
  enrollmentStateLabel,
  profileStatusLabel,
  unassignUser,
  updateDeviceProperties,
  type AutopilotDeviceDetail,
} from '../lib/devices-api';
import { ErrorMessage } from './ErrorBoundary';
import { RemovalDialog, type RemovalMode } from './DevicesRemoval';

const useStyles = makeStyles({
  // Below the brand bar (48 px, Shell.tsx), as Intune's pane: the header's theme and account buttons stay usable.
  drawer: { top: '48px', height: 'calc(100vh - 48px)' },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, margin: `${tokens.spacingVerticalM} 0` },
  props: { display: 'grid', gridTemplateColumns: 'minmax(140px, 40%) 1fr', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalXS, margin: 0 },
  term: { color: tokens.colorNeutralForeground2, margin: 0 },
  value: { margin: 0, overflowWrap: 'anywhere', color: tokens.colorNeutralForeground1 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

const REMEDIATION_LABELS: Record<string, string> = {
  unknown: 'Unknown',
  noRemediationRequired: 'No remediation required',
  automaticRemediationRequired: 'Fix pending: a hardware change was detected; re-registration is automatic at the next check-in',
  manualRemediationRequired: 'Attention required: re-registration after a hardware change failed; reset the device and register it again',
};

function Props({ items }: { items: [string, ReactNode][] }) {
  const styles = useStyles();
  return (
    <dl className={styles.props}>
      {items.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <dt className={styles.term}>{term}</dt>
          <dd className={styles.value}>{value === '' || value === null || value === undefined ? '—' : value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Graph gives a device never enrolled in Intune the empty GUID as its managedDeviceId, not null. */
function enrolledId(id: string | null | undefined): string | null {
  return id && id !== '00000000-0000-0000-0000-000000000000' ? id : null;
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <section className={styles.section} aria-label={title}>
      <Subtitle2 as="h3">{title}</Subtitle2>
      {children}
    </section>
  );
}

export function DevicesDrawer({ deviceId, onClose, onChanged }: { deviceId: string | null; onClose: () => void; onChanged: () => void }) {
  const styles = useStyles();
  return (
    <OverlayDrawer className={styles.drawer} position="end" size="medium" modalType="non-modal" aria-label="Device properties" open={deviceId !== null} onOpenChange={(_, d) => !d.open && onClose()}>
      {deviceId !== null && <DrawerContent key={deviceId} id={deviceId} onClose={onClose} onChanged={onChanged} />}
    </OverlayDrawer>
  );
}

function DrawerContent({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const styles = useStyles();
  const device = useQuery({
    queryKey: ['autopilot-device', id],
    queryFn: () => graph<AutopilotDeviceDetail>(`${deviceActionPath(id)}?$expand=deploymentProfile,intendedDeploymentProfile`),
  });
  const [removal, setRemoval] = useState<RemovalMode | null>(null);
  const d = device.data;

  return (
    <>
      <DrawerHeader>
        {/* Focus moves into the pane as it opens (the grid row's Enter or click), so the keyboard continues here. */}
        <DrawerHeaderTitle action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={onClose} autoFocus />}>
          {d ? d.serialNumber || d.id : 'Device'}
        </DrawerHeaderTitle>
        {d && <Caption1>{`${d.manufacturer} ${d.model}`.trim()}</Caption1>}
      </DrawerHeader>
      <DrawerBody>
        {device.isLoading && <Spinner label="Loading the device…" />}
        {device.error && <ErrorMessage error={device.error} title="Could not load the device" />}
        {d && (
          <>
            <EditProperties device={d} onSaved={() => {
              void device.refetch();
              onChanged();
            }} />
            <Divider />
            <Section title="Autopilot">
              <Props
                items={[
                  ['Serial number', d.serialNumber],
                  ['Manufacturer', d.manufacturer],
                  ['Model', d.model],
                  ['Purchase order', d.purchaseOrderIdentifier],
                  ['Profile status', profileStatusLabel(d)],
                  ['Assigned profile', d.deploymentProfile?.displayName ?? 'None'],
                  ['Intended profile', d.intendedDeploymentProfile?.displayName ?? 'None'],
                  ['Date assigned', dateLabel(d.deploymentProfileAssignedDateTime)],
                  ['Remediation', REMEDIATION_LABELS[d.remediationState] ?? d.remediationState],
                  ['Enrollment state', enrollmentStateLabel(d.enrollmentState)],
                  ['Last contacted', dateLabel(d.lastContactedDateTime)],
                  ['Autopilot device ID', d.id],
                ]}
              />
            </Section>
            <Divider />
            <Hardware id={d.id} />
            <Divider />
            <EntraObject deviceId={d.azureAdDeviceId ?? d.azureActiveDirectoryDeviceId ?? null} />
            <Divider />
            <IntuneObject managedDeviceId={enrolledId(d.managedDeviceId)} />
            <Divider />
            <Section title="Remove">
              <div className={styles.actions}>
                <Button onClick={() => setRemoval('delete')}>Delete</Button>
                <Button onClick={() => setRemoval('offboard')}>Offboard</Button>
              </div>
            </Section>
            {removal !== null && (
              <RemovalDialog
                mode={removal}
                targets={[{ id: d.id, serialNumber: d.serialNumber, userPrincipalName: d.userPrincipalName, managedDeviceId: enrolledId(d.managedDeviceId) }]}
                onClose={() => {
                  setRemoval(null);
                  void device.refetch();
                }}
                onDone={onChanged}
              />
            )}
          </>
        )}
      </DrawerBody>
    </>
  );
}

function EditProperties({ device, onSaved }: { device: AutopilotDeviceDetail; onSaved: () => void }) {
  const styles = useStyles();
  const [displayName, setDisplayName] = useState(device.displayName);
  const [groupTag, setGroupTag] = useState(device.groupTag);
  const [upn, setUpn] = useState(device.userPrincipalName);
  const [friendly, setFriendly] = useState(device.addressableUserName);
  useEffect(() => {
    setDisplayName(device.displayName);
    setGroupTag(device.groupTag);
    setUpn(device.userPrincipalName);
    setFriendly(device.addressableUserName);
  }, [device]);
  const dirty = displayName !== device.displayName || groupTag !== device.groupTag || upn !== device.userPrincipalName || friendly !== device.addressableUserName;

  const save = useMutation({
    mutationFn: async () => {
      if (displayName !== device.displayName || groupTag !== device.groupTag) await updateDeviceProperties(device.id, { displayName, groupTag });
      if (upn.trim() === '' && device.userPrincipalName !== '') await unassignUser(device.id);
      else if (upn.trim() !== '' && (upn !== device.userPrincipalName || friendly !== device.addressableUserName)) await assignUser(device.id, upn.trim(), friendly.trim());
    },
    onSuccess: onSaved,
  });

  return (
    <Section title="Properties">
      <form
        className={styles.section}
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Field label="Device name" hint="Ignored for hybrid-join deployments (the domain join profile names the device).">
          <Input value={displayName} onChange={(_, v) => setDisplayName(v.value)} />
        </Field>
        <Field label="Group tag">
          <Input value={groupTag} onChange={(_, v) => setGroupTag(v.value)} />
        </Field>
        <Field label="User" hint="The user principal name prefilled at sign-in; empty to unassign.">
          <Input value={upn} onChange={(_, v) => setUpn(v.value)} type="email" />
        </Field>
        <Field label="User friendly name">
          <Input value={friendly} onChange={(_, v) => setFriendly(v.value)} disabled={upn.trim() === ''} />
        </Field>
        {save.error && <ErrorMessage error={save.error} title="Not saved" />}
        {save.isSuccess && !dirty && (
          <MessageBar intent="success">
            <MessageBarBody>Saved.</MessageBarBody>
          </MessageBar>
        )}
        <div className={styles.actions}>
          <Button appearance="primary" type="submit" disabled={!dirty || save.isPending}>
            {save.isPending ? 'Saving…' : 'Save'}
          </Button>
        </div>
      </form>
    </Section>
  );
}

function Hardware({ id }: { id: string }) {
  const hash = useQuery({
    queryKey: ['autopilot-hash', id],
    queryFn: () => graph<{ hardwareIdentifier: string | null }>(`/tarmac/v1.0/windowsAutopilotDeviceIdentities/${encodeURIComponent(id)}/hardwareIdentifier`),
    staleTime: Infinity,
  });
  const decoded = useMemo(() => (hash.data?.hardwareIdentifier ? decodeHardwareHash(hash.data.hardwareIdentifier) : null), [hash.data]);
  let body: ReactNode;
  if (hash.isLoading) body = <Spinner size="tiny" label="Reading the hardware hash…" />;
  else if (hash.error) body = <ErrorMessage error={hash.error} title="Could not read the hardware hash" />;
  else if (!hash.data?.hardwareIdentifier) body = <p>No hash yet (registered by product key / tuple; captured at first boot).</p>;
  else if (!decoded?.inventory) body = <ErrorMessage error={new Error(decoded?.issues.map((i) => i.message).join('; ') || 'unreadable hash')} title="The hash does not decode" />;
  else body = <Props items={hardwareItems(decoded.inventory)} />;
  return <Section title="Hardware (decoded from the hash)">{body}</Section>;
}

function hardwareItems(inv: HardwareInventory): [string, ReactNode][] {
  const cpu = [inv.processor.model ?? inv.processor.manufacturer, inv.processor.topology ? `${inv.processor.topology.cores} cores, ${inv.processor.topology.logicalProcessors} threads` : null]
    .filter(Boolean)
    .join(' — ');
  const disks = inv.disks
    .map((d) => [d.serial?.product, d.descriptor ? `${d.descriptor.capacityGB} GB ${d.descriptor.busTypeName}` : null, d.serial?.serialNumber ? `S/N ${d.serial.serialNumber}` : null].filter(Boolean).join(', '))
    .filter((s) => s !== '');
  const nics = inv.networkAdapters.map((n) => `${n.physicalMediumName} ${n.macAddress} (${n.bus})`);
  return [
    ['Manufacturer', inv.system.manufacturer],
    ['Model', inv.system.model],
    ['Serial number', inv.system.serialNumber],
    ['SMBIOS UUID', inv.system.smbiosUuid],
    ['Processor', cpu],
    ['Memory', inv.memory ? `${inv.memory.totalPhysicalRamGB} GB` : null],
    ['Disks', disks.length > 0 ? disks.join('; ') : null],
    ['Network adapters', nics.length > 0 ? nics.join('; ') : null],
    ['TPM', inv.tpm.version ?? (inv.tpm.ekPublicKey ? 'present' : 'none')],
    ['Captured', inv.build ? dateLabel(inv.build.capturedAt) : null],
    ['Tool version', inv.build ? `${inv.build.toolVersion} (build ${inv.build.toolBuild})` : null],
  ];
}

interface EntraDevice {
  id: string;
  deviceId: string;
  displayName: string;
  trustType: string | null;
  accountEnabled: boolean;
  physicalIds: string[];
}

function EntraObject({ deviceId }: { deviceId: string | null }) {
  const entra = useQuery({
    queryKey: ['entra-device-of', deviceId],
    enabled: deviceId !== null,
    queryFn: async () => (await graph<Page<EntraDevice>>(`/v1.0/devices?$filter=${encodeURIComponent(`deviceId eq ${odataString(deviceId ?? '')}`)}`)).value[0] ?? null,
  });
  let body: ReactNode;
  if (deviceId === null) body = <p>No Entra object.</p>;
  else if (entra.isLoading) body = <Spinner size="tiny" label="Loading the Entra object…" />;
  else if (entra.error) body = <ErrorMessage error={entra.error} title="Could not load the Entra object" />;
  else if (!entra.data) body = <p>No Entra object with device ID {deviceId}.</p>;
  else
    body = (
      <Props
        items={[
          ['Name', entra.data.displayName],
          ['Device ID', entra.data.deviceId],
          ['Object ID', entra.data.id],
          ['Join type', entra.data.trustType === 'AzureAd' ? 'Microsoft Entra joined' : entra.data.trustType === 'ServerAd' ? 'Microsoft Entra hybrid joined' : entra.data.trustType === 'Workplace' ? 'Microsoft Entra registered' : 'Not joined yet'],
          ['Enabled', entra.data.accountEnabled ? 'Yes' : 'No'],
          ['Physical IDs', entra.data.physicalIds.join(', ')],
        ]}
      />
    );
  return <Section title="Microsoft Entra device">{body}</Section>;
}

interface ManagedDevice {
  id: string;
  deviceName: string;
  userPrincipalName: string;
  managedDeviceOwnerType: string;
  complianceState: string;
  enrolledDateTime: string;
  lastSyncDateTime: string;
}

function IntuneObject({ managedDeviceId }: { managedDeviceId: string | null }) {
  const managed = useQuery({
    queryKey: ['managed-device', managedDeviceId],
    enabled: managedDeviceId !== null,
    queryFn: () => graph<ManagedDevice>(`/v1.0/deviceManagement/managedDevices/${encodeURIComponent(managedDeviceId ?? '')}`),
  });
  let body: ReactNode;
  if (managedDeviceId === null) body = <p>Not enrolled in Intune.</p>;
  else if (managed.isLoading) body = <Spinner size="tiny" label="Loading the Intune device…" />;
  else if (managed.error) body = <ErrorMessage error={managed.error} title="Could not load the Intune device" />;
  else if (managed.data)
    body = (
      <Props
        items={[
          ['Device name', managed.data.deviceName],
          ['Managed device ID', managed.data.id],
          ['Primary user', managed.data.userPrincipalName],
          ['Ownership', managed.data.managedDeviceOwnerType],
          ['Compliance', managed.data.complianceState],
          ['Enrolled', dateLabel(managed.data.enrolledDateTime)],
          ['Last check-in', dateLabel(managed.data.lastSyncDateTime)],
        ]}
      />
    );
  return <Section title="Associated Intune device">{body}</Section>;
}
