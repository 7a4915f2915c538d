// Removing Autopilot devices, in the documented order (reference A.4): Intune device → assigned user → Autopilot
// record → Entra object. "Delete" removes only the Autopilot record and the server refuses it while an earlier step
// is pending (its message, shown verbatim, names what to do first); "Offboard" (Tarmac's extension) runs every step
// and reports each one. The dialog shows the order before anything runs, then each device's outcome.
import {
  Badge,
  Body1,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { deleteDevice, offboard, SYSTEM_LABELS, type OffboardReport } from '../lib/devices-api';

export interface RemovalTarget {
  id: string;
  serialNumber: string;
  userPrincipalName?: string;
  /** Known in the drawer; undefined from the grid (not selected there). */
  managedDeviceId?: string | null;
}

export type RemovalMode = 'delete' | 'offboard';

interface Outcome {
  target: RemovalTarget;
  /** Delete: done, or the API's refusal. */
  error?: string;
  report?: OffboardReport;
}

const useStyles = makeStyles({
  steps: { margin: `${tokens.spacingVerticalS} 0`, paddingLeft: tokens.spacingHorizontalXL },
  refusal: { color: tokens.colorPaletteRedForeground1, whiteSpace: 'pre-wrap' },
  ok: { color: tokens.colorPaletteGreenForeground1 },
  results: { maxHeight: '50vh', overflowY: 'auto' },
});

function plannedSteps(mode: RemovalMode, targets: RemovalTarget[]): { system: string; what: string }[] {
  const one = targets.length === 1 ? targets[0] : undefined;
  const intune =
    one?.managedDeviceId === undefined ? 'delete the managed device, if enrolled' : one.managedDeviceId === null ? 'not enrolled: nothing to do' : `delete managed device ${one.managedDeviceId}`;
  const user = one?.userPrincipalName === undefined ? 'unassign the user, if any' : one.userPrincipalName === '' ? 'no user assigned: nothing to do' : `unassign ${one.userPrincipalName}`;
  const steps = [
    { system: SYSTEM_LABELS.intune, what: mode === 'delete' ? `must be done first (${intune})` : intune },
    { system: SYSTEM_LABELS.user, what: mode === 'delete' ? `must be done first (${user})` : user },
    { system: SYSTEM_LABELS.autopilot, what: 'deregister the device (its hardware can be registered again)' },
    { system: SYSTEM_LABELS.entra, what: 'deleted when the device never joined; kept without its Autopilot IDs when joined' },
  ];
  return steps;
}

export function RemovalDialog({
  mode,
  targets,
  onClose,
  onDone,
}: {
  mode: RemovalMode;
  targets: RemovalTarget[];
  onClose: () => void;
  /** After the run (some devices may be gone). */
  onDone: () => void;
}) {
  const styles = useStyles();
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null);
  const [running, setRunning] = useState(false);
  const verb = mode === 'delete' ? 'Delete' : 'Offboard';
  const noun = targets.length === 1 ? (targets[0].serialNumber || targets[0].id) : `${targets.length} devices`;

  async function run() {
    setRunning(true);
    const done: Outcome[] = [];
    for (const target of targets) {
      try {
        if (mode === 'delete') {
          await deleteDevice(target.id);
          done.push({ target });
        } else {
          done.push({ target, report: await offboard(target.id) });
        }
      } catch (error) {
        done.push({ target, error: error instanceof Error ? error.message : String(error) });
      }
      setOutcomes([...done]);
    }
    setRunning(false);
    onDone();
  }

  return (
    <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && !running && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>
            {verb} {noun}
          </DialogTitle>
          <DialogContent>
            {outcomes === null ? (
              <>
                <Body1>
                  {mode === 'delete'
                    ? 'Delete removes only the Autopilot record. The server refuses it while an earlier step of the order below is pending; Offboard runs them all.'
                    : 'Offboard runs these steps in order and stops at the first that fails:'}
                </Body1>
                <ol className={styles.steps} aria-label="Steps, in order">
                  {plannedSteps(mode, targets).map((s) => (
                    <li key={s.system}>
                      <strong>{s.system}</strong>: {s.what}
                    </li>
                  ))}
                </ol>
              </>
            ) : (
              <div className={styles.results}>
                {running && <ProgressBar value={outcomes.length / targets.length} aria-label={`${verb} progress`} />}
                {outcomes.map((o) => (
                  <OutcomeView key={o.target.id} outcome={o} mode={mode} />
                ))}
              </div>
            )}
          </DialogContent>
          <DialogActions>
            {outcomes === null ? (
              <>
                <Button appearance="primary" onClick={() => void run()} disabled={running}>
                  {verb}
                </Button>
                <Button onClick={onClose}>Cancel</Button>
              </>
            ) : (
              <Button appearance="primary" onClick={onClose} disabled={running}>
                Close
              </Button>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function OutcomeView({ outcome, mode }: { outcome: Outcome; mode: RemovalMode }) {
  const styles = useStyles();
  const name = outcome.target.serialNumber || outcome.target.id;
  if (mode === 'delete' || outcome.error !== undefined) {
    return (
      <p>
        <strong>{name}</strong>:{' '}
        {outcome.error === undefined ? (
          <span className={styles.ok}>deleted</span>
        ) : (
          <span className={styles.refusal} role="alert">
            refused: {outcome.error}
          </span>
        )}
      </p>
    );
  }
  const report = outcome.report as OffboardReport;
  return (
    <>
      <p>
        <strong>{name}</strong>: {report.completed ? <span className={styles.ok}>offboarded</span> : <span className={styles.refusal}>stopped at a failed step</span>}
      </p>
      <Table size="small" aria-label={`Offboard steps for ${name}`}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Step</TableHeaderCell>
            <TableHeaderCell>Result</TableHeaderCell>
            <TableHeaderCell>Detail</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {report.steps.map((s, i) => (
            <TableRow key={`${s.system}-${i}`}>
              <TableCell>
                {i + 1}. {SYSTEM_LABELS[s.system]}
              </TableCell>
              <TableCell>
                <Badge appearance="tint" color={s.action === 'failed' ? 'danger' : s.action === 'skipped' ? 'warning' : s.action === 'none' ? 'subtle' : 'success'}>
                  {s.action}
                </Badge>
              </TableCell>
              <TableCell className={s.action === 'failed' ? styles.refusal : undefined}>{s.detail}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
