// The import as it runs: a progress bar with counts, then one row per CSV line (file, line, serial) with its final
// status, Microsoft's code and name ("806 - ZtdDeviceAlreadyAssigned", as Intune shows it), and what it means and
// what to do.
import {
  Badge,
  Field,
  makeStyles,
  mergeClasses,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { errorCodeLabel, explainImportError } from '../lib/import-explanations';
import type { ImportProgress, ImportRow, RowStatus } from '../lib/import-run';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  scroll: { overflowX: 'auto', maxHeight: '560px', overflowY: 'auto' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  // Fixed layout with shares, so the explanation keeps the most room at any width.
  table: { tableLayout: 'fixed', minWidth: '760px' },
  file: { width: '18%' },
  narrow: { width: '6%' },
  serial: { width: '13%' },
  status: { width: '13%' },
  code: { width: '17%' },
  cell: { overflowWrap: 'anywhere' },
  what: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
});

const STATUS: Record<RowStatus, { label: string; color: 'success' | 'danger' | 'warning' | 'informative' | 'subtle' }> = {
  sending: { label: 'Sending', color: 'informative' },
  pending: { label: 'Processing', color: 'informative' },
  complete: { label: 'Imported', color: 'success' },
  error: { label: 'Failed', color: 'danger' },
  notSent: { label: 'Not sent (CSV error)', color: 'warning' },
};

export function importCounts(rows: readonly ImportRow[]) {
  const count = (s: RowStatus) => rows.filter((r) => r.status === s).length;
  const sent = rows.length - count('notSent');
  return { total: rows.length, sent, complete: count('complete'), error: count('error'), notSent: count('notSent'), pending: count('pending') + count('sending') };
}

function Explanation({ row }: { row: ImportRow }) {
  const styles = useStyles();
  if (row.status === 'notSent') return <Text>{row.message}</Text>;
  if (row.status !== 'error') return null;
  const e = explainImportError(row.deviceErrorCode, row.deviceErrorName);
  return (
    <div className={styles.what}>
      {e ? (
        <>
          <Text>{e.meaning}</Text>
          <Text weight="semibold">What to do: {e.action}</Text>
        </>
      ) : null}
      {row.message && <Text className={styles.mono}>{row.message}</Text>}
    </div>
  );
}

export function ImportResults({ progress, running }: { progress: ImportProgress; running: boolean }) {
  const styles = useStyles();
  const c = importCounts(progress.rows);
  const done = c.complete + c.error;
  const summary = `${done} of ${c.sent} processed: ${c.complete} imported, ${c.error} failed, ${c.pending} still processing${c.notSent ? `; ${c.notSent} not sent (errors in the CSV)` : ''}`;
  return (
    <section className={styles.root} aria-label="Import results">
      <Field label="Import progress" validationMessage={summary} validationState="none">
        <ProgressBar value={c.sent === 0 ? 1 : done / c.sent} max={1} thickness="large" color={c.error > 0 ? 'warning' : running ? 'brand' : 'success'} />
      </Field>
      {progress.notice && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>Graph: {progress.notice}</MessageBarBody>
        </MessageBar>
      )}
      {!running && (
        <MessageBar intent={c.error + c.notSent === 0 ? 'success' : 'warning'}>
          <MessageBarBody>
            {c.error + c.notSent === 0
              ? `${c.complete === 1 ? 'The device was' : `All ${c.complete} devices were`} imported. ${c.complete === 1 ? 'It is' : 'They are'} listed under Windows Autopilot devices.`
              : `Import finished: ${c.complete} imported, ${c.error} failed, ${c.notSent} not sent. See each line below.`}
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.scroll} tabIndex={0} role="region" aria-label="Result of each CSV line (scrollable)">
        <Table size="small" className={styles.table} aria-label="Result of each CSV line">
          <TableHeader>
            <TableRow>
              <TableHeaderCell className={styles.file}>File</TableHeaderCell>
              <TableHeaderCell className={styles.narrow}>Line</TableHeaderCell>
              <TableHeaderCell className={styles.serial}>Serial number</TableHeaderCell>
              <TableHeaderCell className={styles.status}>Status</TableHeaderCell>
              <TableHeaderCell className={styles.code}>Error code</TableHeaderCell>
              <TableHeaderCell>What it means</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {progress.rows.map((r) => (
              <TableRow key={`${r.fileKey}:${r.line}`}>
                <TableCell className={styles.cell}>{r.fileName}</TableCell>
                <TableCell>{r.line}</TableCell>
                <TableCell className={mergeClasses(styles.mono, styles.cell)}>{r.serialNumber}</TableCell>
                <TableCell>
                  <Badge appearance="tint" color={STATUS[r.status].color}>
                    {STATUS[r.status].label}
                  </Badge>
                </TableCell>
                <TableCell className={styles.cell}>{errorCodeLabel(r.deviceErrorCode, r.deviceErrorName)}</TableCell>
                <TableCell>
                  <Explanation row={r} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}
