// One checked file: what `tarmac csv validate` prints (the encoding, header and mode, then every problem with its
// line, column, severity, code, message and hint, and the verdict), the devices that will be sent, and
// "Download fixed CSV" (`tarmac csv fix`'s engine, with what it changed and what it left out).
import {
  Badge,
  Button,
  Card,
  CardHeader,
  makeStyles,
  mergeClasses,
  MessageBar,
  MessageBarBody,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownloadRegular, DismissRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { encodingLabel } from '../../../src/csv/browser.js';
import { download, fixedCsv, fixedName, type CheckedFile } from '../lib/import-files';

const useStyles = makeStyles({
  card: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  scroll: { overflowX: 'auto', maxHeight: '420px', overflowY: 'auto' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  narrow: { width: '64px' },
  medium: { width: '120px' },
  wide: { width: '220px' },
  cell: { overflowWrap: 'anywhere' },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

type FixReport = Awaited<ReturnType<typeof fixedCsv>>;

/** Lines as `3, 5-9, 12`, as the CLI prints them. */
function lineRanges(lines: readonly number[]): string {
  const sorted = [...lines].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.length > 12 ? `${parts.slice(0, 12).join(', ')}, … (${sorted.length} lines)` : parts.join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function ImportPreview({ file, onRemove, disabled }: { file: CheckedFile; onRemove: () => void; disabled?: boolean }) {
  const styles = useStyles();
  const r = file.result;
  const [fix, setFix] = useState<FixReport | null>(null);
  const [fixError, setFixError] = useState<string | null>(null);

  const what = [r.encoding && encodingLabel(r.encoding), r.dialect && `${r.dialect.name} header`, r.strict ? 'strict' : 'lenient'].filter(Boolean).join(', ');
  const verdict = `${plural(r.rows, 'row')}, ${plural(r.devices, 'device')}, ${plural(r.errors, 'error')}, ${plural(r.warnings, 'warning')}`;

  const downloadFixed = async () => {
    setFixError(null);
    try {
      const result = await fixedCsv(file);
      setFix(result);
      if (result.blob) download(result.blob, fixedName(file.name));
    } catch (err) {
      setFixError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <Card className={styles.card} aria-label={`Check of ${file.name}`}>
      <CardHeader
        header={<Text weight="semibold">{file.name}</Text>}
        description={<Text size={200}>{what || 'not a CSV Tarmac can read'}</Text>}
        action={<Button appearance="subtle" icon={<DismissRegular />} aria-label={`Remove ${file.name}`} disabled={disabled} onClick={onRemove} />}
      />
      <MessageBar intent={r.ok ? 'success' : 'error'}>
        <MessageBarBody>{r.ok ? `OK: ${verdict}` : `Not importable as is: ${verdict}. Rows with errors are not sent; “Download fixed CSV” writes a clean file without them.`}</MessageBarBody>
      </MessageBar>

      {r.diagnostics.length > 0 && (
        <div className={styles.scroll} tabIndex={0} role="region" aria-label={`Problems in ${file.name} (scrollable)`}>
          <Table size="small" aria-label={`Problems in ${file.name}`}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={styles.narrow}>Line</TableHeaderCell>
                <TableHeaderCell className={styles.medium}>Column</TableHeaderCell>
                <TableHeaderCell className={styles.medium}>Severity</TableHeaderCell>
                <TableHeaderCell className={styles.wide}>Code</TableHeaderCell>
                <TableHeaderCell>Message</TableHeaderCell>
                <TableHeaderCell>Hint</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {r.diagnostics.map((d, i) => (
                <TableRow key={i}>
                  <TableCell>{d.line}</TableCell>
                  <TableCell>{d.column ?? ''}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={d.severity === 'error' ? 'danger' : 'warning'}>
                      {d.severity}
                    </Badge>
                  </TableCell>
                  <TableCell className={styles.cell}>{d.msCode ? `${d.msCode} - ${d.code}` : d.code}</TableCell>
                  <TableCell>{d.message}</TableCell>
                  <TableCell>{d.hint}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}

      {file.devices.length > 0 && (
        <div className={styles.scroll} tabIndex={0} role="region" aria-label={`Devices to import from ${file.name} (scrollable)`}>
          <Table size="small" aria-label={`Devices to import from ${file.name}`}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={styles.narrow}>Line</TableHeaderCell>
                <TableHeaderCell>Serial number</TableHeaderCell>
                <TableHeaderCell>Group tag</TableHeaderCell>
                <TableHeaderCell>Manufacturer</TableHeaderCell>
                <TableHeaderCell>Model</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {file.devices.map((d) => (
                <TableRow key={d.line}>
                  <TableCell>{d.line}</TableCell>
                  <TableCell className={mergeClasses(styles.mono, styles.cell)}>{d.serialNumber}</TableCell>
                  <TableCell>{d.groupTag}</TableCell>
                  <TableCell>{d.manufacturer}</TableCell>
                  <TableCell>{d.model}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}

      <div className={styles.actions}>
        <Button icon={<ArrowDownloadRegular />} onClick={() => void downloadFixed()} disabled={r.dialect === null}>
          Download fixed CSV
        </Button>
      </div>
      {fixError && (
        <MessageBar intent="error">
          <MessageBarBody>Could not fix {file.name}: {fixError}</MessageBarBody>
        </MessageBar>
      )}
      {fix && (
        <div aria-live="polite">
          {fix.text === null ? (
            <Text>Nothing written: {fix.diagnostics.find((d) => d.severity === 'error')?.message ?? 'no Autopilot header found'}</Text>
          ) : (
            <>
              <Text>
                Wrote {fixedName(file.name)}: {fix.rowsWritten} of {plural(fix.rowsRead, 'row')}, {fix.columns} columns.
              </Text>
              {fix.changes.length === 0 ? (
                <Text block>No values were changed.</Text>
              ) : (
                <ul className={styles.list} aria-label="Changes made">
                  {fix.changes.map((c, i) => (
                    <li key={i}>
                      {c.message}
                      {c.lines.length > 0 ? ` (line${c.lines.length === 1 ? '' : 's'} ${lineRanges(c.lines)})` : ''}
                    </li>
                  ))}
                </ul>
              )}
              {fix.dropped.length > 0 && (
                <ul className={styles.list} aria-label="Rows left out">
                  {fix.dropped.map((d) => (
                    <li key={d.line}>
                      Line {d.line} left out: {d.reason}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </div>
      )}
    </Card>
  );
}
