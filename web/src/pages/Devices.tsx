// Windows Autopilot devices (reference A.2): Intune's toolbar (Import, Sync, Refresh, Delete, Assign user…) plus bulk
// actions on the selected devices (set group tag, offboard), server-side filter and sort, a virtualized grid that
// pages through @odata.nextLink as the user scrolls, a column chooser, the CSV export of the filtered view, and the
// device's pane on a row's click or Enter.
import {
  Body1,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  makeStyles,
  Menu,
  MenuItemCheckbox,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Option,
  ProgressBar,
  SearchBox,
  Spinner,
  Toolbar,
  ToolbarButton,
  ToolbarDivider,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowClockwiseRegular,
  ArrowDownloadRegular,
  ArrowUploadRegular,
  ColumnTripleRegular,
  DeleteRegular,
  DismissRegular,
  PersonAddRegular,
  SignOutRegular,
  TagRegular,
} from '@fluentui/react-icons';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import { ErrorMessage } from '../components/ErrorBoundary';
import { DevicesGrid, useDevicePages } from '../components/DevicesGrid';
import { RemovalDialog, type RemovalMode } from '../components/DevicesRemoval';
import { DevicesSync } from '../components/DevicesSync';
import {
  assignUser,
  COLUMNS,
  download,
  ENROLLMENT_STATE_LABELS,
  exportCsv,
  NO_FILTER,
  PROFILE_STATUS_FILTERS,
  updateDeviceProperties,
  type AutopilotDevice,
  type ColumnKey,
  type DeviceFilter,
  type DeviceSort,
} from '../lib/devices-api';

const COLUMNS_KEY = 'tarmac.devices.columns';
/** The pane (with the hash decoder) is its own chunk: the grid's first rows never wait for it. */
const DevicesDrawer = lazy(() => import('../components/DevicesDrawer').then((m) => ({ default: m.DevicesDrawer })));

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minWidth: 0 },
  toolbar: { flexWrap: 'wrap', rowGap: tokens.spacingVerticalXS, alignItems: 'center' },
  filters: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'flex-end' },
  search: { width: '240px' },
  small: { width: '160px', minWidth: '160px' },
  summary: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', minHeight: '24px' },
  dialogFields: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function loadColumns(): ColumnKey[] {
  try {
    const saved = JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? 'null') as unknown;
    if (Array.isArray(saved)) return COLUMNS.filter((c) => saved.includes(c.key)).map((c) => c.key);
  } catch {
    // a damaged setting: the defaults
  }
  return COLUMNS.filter((c) => c.defaultVisible).map((c) => c.key);
}

interface Message {
  intent: 'success' | 'error' | 'info' | 'warning';
  text: string;
}

export default function Devices(_props: { params: Record<string, string | undefined> }) {
  const styles = useStyles();
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const [serial, setSerial] = useState('');
  const [filterRest, setFilterRest] = useState<Omit<DeviceFilter, 'serial'>>(NO_FILTER);
  // Short: typing a serial should show its rows within ~300 ms (the bench's target), debounce included; the previous request is aborted.
  const debouncedSerial = useDebounced(serial, 80);
  const debouncedGroupTag = useDebounced(filterRest.groupTag, 300);
  const filter: DeviceFilter = useMemo(
    () => ({ ...filterRest, groupTag: debouncedGroupTag, serial: debouncedSerial }),
    [filterRest, debouncedGroupTag, debouncedSerial],
  );
  const [sort, setSort] = useState<DeviceSort | null>(null);
  const [visible, setVisible] = useState<ColumnKey[]>(loadColumns);
  const columns = useMemo(() => COLUMNS.filter((c) => visible.includes(c.key)), [visible]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [openId, setOpenId] = useState<string | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [dialog, setDialog] = useState<'groupTag' | 'assignUser' | RemovalMode | null>(null);
  const [exporting, setExporting] = useState<{ done: number; total: number | undefined } | null>(null);

  const pages = useDevicePages(filter, sort);
  const byId = useMemo(() => new Map(pages.rows.map((r) => [r.id, r])), [pages.rows]);
  const selectedDevices = [...selected].map((id) => byId.get(id)).filter((d): d is AutopilotDevice => d !== undefined);

  // A new filter is a new list: the selection was of the old one.
  useEffect(() => setSelected(new Set()), [filter]);
  useEffect(() => localStorage.setItem(COLUMNS_KEY, JSON.stringify(visible)), [visible]);

  const refresh = () => client.invalidateQueries({ queryKey: ['autopilot-devices'] });
  const notify = (intent: Message['intent'], text: string) => setMessage({ intent, text });

  async function runExport() {
    setExporting({ done: 0, total: pages.total });
    try {
      const csv = await exportCsv(filter, sort, columns, (done, total) => setExporting({ done, total }));
      download(csv, `autopilot-devices-${new Date().toISOString().slice(0, 10)}.csv`);
      notify('success', 'The filtered devices were exported.');
    } catch (error) {
      notify('error', `Export failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setExporting(null);
    }
  }

  const none = selected.size === 0;
  return (
    <div className={styles.root}>
      <Toolbar aria-label="Device actions" className={styles.toolbar}>
        <ToolbarButton icon={<ArrowUploadRegular />} onClick={() => navigate('/import')}>
          Import
        </ToolbarButton>
        <DevicesSync onMessage={notify} />
        <ToolbarButton icon={<ArrowClockwiseRegular />} onClick={() => void refresh()}>
          Refresh
        </ToolbarButton>
        <ToolbarButton icon={<DeleteRegular />} disabled={none} onClick={() => setDialog('delete')}>
          Delete
        </ToolbarButton>
        <ToolbarButton icon={<PersonAddRegular />} disabled={selected.size !== 1} onClick={() => setDialog('assignUser')}>
          Assign user…
        </ToolbarButton>
        <ToolbarDivider />
        <ToolbarButton icon={<TagRegular />} disabled={none} onClick={() => setDialog('groupTag')}>
          Set group tag…
        </ToolbarButton>
        <ToolbarButton icon={<SignOutRegular />} disabled={none} onClick={() => setDialog('offboard')}>
          Offboard
        </ToolbarButton>
        <ToolbarDivider />
        <ToolbarButton icon={<ArrowDownloadRegular />} disabled={exporting !== null} onClick={() => void runExport()}>
          Export
        </ToolbarButton>
        <Menu
          checkedValues={{ columns: visible }}
          onCheckedValueChange={(_, data) => data.checkedItems.length > 0 && setVisible(COLUMNS.filter((c) => data.checkedItems.includes(c.key)).map((c) => c.key))}
        >
          <MenuTrigger disableButtonEnhancement>
            <ToolbarButton icon={<ColumnTripleRegular />}>Columns</ToolbarButton>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              {COLUMNS.map((c) => (
                <MenuItemCheckbox key={c.key} name="columns" value={c.key}>
                  {c.label}
                </MenuItemCheckbox>
              ))}
            </MenuList>
          </MenuPopover>
        </Menu>
      </Toolbar>

      <div className={styles.filters} role="search" aria-label="Filter devices">
        <Field label="Search by serial number">
          <SearchBox className={styles.search} placeholder="Search by serial number" value={serial} onChange={(_, d) => setSerial(d.value)} />
        </Field>
        <Field label="Group tag">
          <Input className={styles.small} value={filterRest.groupTag} onChange={(_, d) => setFilterRest({ ...filterRest, groupTag: d.value })} />
        </Field>
        <Field label="Profile status">
          <Dropdown
            className={styles.small}
            value={PROFILE_STATUS_FILTERS.find((s) => s.value === filterRest.profileStatus)?.label ?? 'All'}
            selectedOptions={[filterRest.profileStatus]}
            onOptionSelect={(_, d) => setFilterRest({ ...filterRest, profileStatus: d.optionValue ?? '' })}
          >
            <Option value="">All</Option>
            {PROFILE_STATUS_FILTERS.map((s) => (
              <Option key={s.value} value={s.value}>
                {s.label}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="Enrollment state">
          <Dropdown
            className={styles.small}
            value={filterRest.enrollmentState === '' ? 'All' : ENROLLMENT_STATE_LABELS[filterRest.enrollmentState]}
            selectedOptions={[filterRest.enrollmentState]}
            onOptionSelect={(_, d) => setFilterRest({ ...filterRest, enrollmentState: d.optionValue ?? '' })}
          >
            <Option value="">All</Option>
            {Object.entries(ENROLLMENT_STATE_LABELS).map(([value, label]) => (
              <Option key={value} value={value}>
                {label}
              </Option>
            ))}
          </Dropdown>
        </Field>
      </div>

      {message && (
        <MessageBar intent={message.intent} layout="multiline">
          <MessageBarBody>{message.text}</MessageBarBody>
          <MessageBarActions containerAction={<Button appearance="transparent" aria-label="Dismiss" icon={<DismissRegular />} onClick={() => setMessage(null)} />} />
        </MessageBar>
      )}

      <div className={styles.summary} aria-live="polite">
        {pages.isLoading ? (
          <Spinner size="tiny" label="Loading devices…" />
        ) : (
          <Body1>
            {pages.total !== undefined ? `${pages.total.toLocaleString()} ${pages.total === 1 ? 'device' : 'devices'}` : `${pages.rows.length.toLocaleString()} devices loaded`}
            {selected.size > 0 ? ` · ${selected.size.toLocaleString()} selected` : ''}
          </Body1>
        )}
        {exporting && (
          <>
            <Caption1>
              Exporting {exporting.done.toLocaleString()}
              {exporting.total !== undefined ? ` of ${exporting.total.toLocaleString()}` : ''}…
            </Caption1>
            <ProgressBar style={{ width: 160 }} value={exporting.total ? exporting.done / exporting.total : undefined} aria-label="Export progress" />
          </>
        )}
      </div>

      {pages.error ? (
        <ErrorMessage error={pages.error} title="Could not list the devices" />
      ) : (
        <DevicesGrid
          rows={pages.rows}
          total={pages.total}
          hasNextPage={pages.hasNextPage}
          isFetchingNextPage={pages.isFetchingNextPage}
          searching={pages.searching}
          fetchNextPage={pages.fetchNextPage}
          columns={columns}
          sort={sort}
          onSort={setSort}
          selected={selected}
          onSelectedChange={setSelected}
          onOpen={(d) => setOpenId(d.id)}
        />
      )}

      {openId !== null && (
        <Suspense fallback={<Spinner size="tiny" label="Opening the device…" />}>
          <DevicesDrawer
            deviceId={openId}
            onClose={() => {
              setOpenId(null);
              // Back to the row the pane was opened from (the grid's one tabbable row).
              document.querySelector<HTMLElement>('[role=grid] [role=row][tabindex="0"]')?.focus();
            }}
            onChanged={() => {
              void refresh();
            }}
          />
        </Suspense>
      )}

      {(dialog === 'delete' || dialog === 'offboard') && (
        <RemovalDialog
          mode={dialog}
          targets={selectedDevices.map((d) => ({ id: d.id, serialNumber: d.serialNumber, userPrincipalName: d.userPrincipalName }))}
          onClose={() => setDialog(null)}
          onDone={() => {
            setSelected(new Set());
            void refresh();
          }}
        />
      )}
      {dialog === 'groupTag' && (
        <GroupTagDialog
          devices={selectedDevices}
          onClose={() => setDialog(null)}
          onDone={(text, intent) => {
            setDialog(null);
            notify(intent, text);
            void refresh();
          }}
        />
      )}
      {dialog === 'assignUser' && selectedDevices[0] && (
        <AssignUserDialog
          device={selectedDevices[0]}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            notify('success', `User assigned to ${selectedDevices[0].serialNumber}.`);
            void refresh();
          }}
        />
      )}
    </div>
  );
}

function GroupTagDialog({ devices, onClose, onDone }: { devices: AutopilotDevice[]; onClose: () => void; onDone: (text: string, intent: Message['intent']) => void }) {
  const styles = useStyles();
  const [tag, setTag] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  async function apply() {
    setProgress(0);
    const failures: string[] = [];
    for (const [i, d] of devices.entries()) {
      try {
        await updateDeviceProperties(d.id, { groupTag: tag.trim() });
      } catch (error) {
        failures.push(`${d.serialNumber || d.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
      setProgress(i + 1);
    }
    const done = devices.length - failures.length;
    if (failures.length === 0) onDone(`Group tag set on ${done} device${done === 1 ? '' : 's'}.`, 'success');
    else onDone(`Group tag set on ${done} of ${devices.length} devices. Failed: ${failures.join('; ')}`, 'warning');
  }
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && progress === null && onClose()}>
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void apply();
          }}
        >
          <DialogBody>
            <DialogTitle>Set group tag</DialogTitle>
            <DialogContent className={styles.dialogFields}>
              <Body1>
                The group tag of {devices.length} selected device{devices.length === 1 ? '' : 's'} (updateDeviceProperties for each; the Entra device&apos;s [OrderID] follows). Empty clears it.
              </Body1>
              <Field label="Group tag">
                <Input value={tag} onChange={(_, d) => setTag(d.value)} />
              </Field>
              {progress !== null && <ProgressBar value={progress / devices.length} aria-label="Progress" />}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" type="submit" disabled={progress !== null}>
                Apply
              </Button>
              <Button onClick={onClose} disabled={progress !== null}>
                Cancel
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

function AssignUserDialog({ device, onClose, onDone }: { device: AutopilotDevice; onClose: () => void; onDone: () => void }) {
  const styles = useStyles();
  const [upn, setUpn] = useState(device.userPrincipalName);
  const [friendly, setFriendly] = useState(device.addressableUserName);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function apply() {
    setBusy(true);
    setError(null);
    try {
      await assignUser(device.id, upn.trim(), friendly.trim());
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && !busy && onClose()}>
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void apply();
          }}
        >
          <DialogBody>
            <DialogTitle>Assign user to {device.serialNumber || device.id}</DialogTitle>
            <DialogContent className={styles.dialogFields}>
              <Body1>Prefills the user&apos;s sign-in name and greeting during setup; it does not change which policies or apps the device gets.</Body1>
              <Field label="User principal name" required>
                <Input type="email" value={upn} onChange={(_, d) => setUpn(d.value)} />
              </Field>
              <Field label="User friendly name">
                <Input value={friendly} onChange={(_, d) => setFriendly(d.value)} />
              </Field>
              {error !== null && <ErrorMessage error={error} title="Not assigned" />}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" type="submit" disabled={busy || upn.trim() === ''}>
                Assign
              </Button>
              <Button onClick={onClose} disabled={busy}>
                Cancel
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
