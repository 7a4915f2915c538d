// The tenant's imports: Graph's imported identities grouped by importId, with how many are complete, failed and
// still processing, and when (read from the console's time-ordered import ids; other tools' imports have no time).
import {
  Button,
  makeStyles,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular } from '@fluentui/react-icons';
import { useQuery } from '@tanstack/react-query';
import { graphAll } from '../api/client';
import { ErrorMessage } from './ErrorBoundary';
import { summarizeImports, type ImportedIdentity } from '../lib/import-history';
import { IMPORTS } from '../lib/import-run';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  bar: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  cell: { overflowWrap: 'anywhere' },
  count: { width: '96px' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
});

export function ImportHistory() {
  const styles = useStyles();
  const query = useQuery({
    queryKey: ['imports', 'history'],
    queryFn: async () => summarizeImports(await graphAll<ImportedIdentity>(`${IMPORTS}?$top=1000`, 100_000)),
  });
  return (
    <section className={styles.root} aria-label="Import history">
      <div className={styles.bar}>
        <Button icon={<ArrowClockwiseRegular />} onClick={() => void query.refetch()}>
          Refresh
        </Button>
        {query.isFetching && <Spinner size="tiny" label="Loading imports" />}
      </div>
      {query.error && <ErrorMessage error={query.error} title="Could not list the imports" />}
      {query.data && query.data.length === 0 && <Text>No imports yet. Imported devices’ records stay here until they are deleted.</Text>}
      {query.data && query.data.length > 0 && (
        <Table size="small" aria-label="Imports">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Imported</TableHeaderCell>
              <TableHeaderCell>Import ID</TableHeaderCell>
              <TableHeaderCell className={styles.count}>Devices</TableHeaderCell>
              <TableHeaderCell className={styles.count}>Complete</TableHeaderCell>
              <TableHeaderCell className={styles.count}>Failed</TableHeaderCell>
              <TableHeaderCell className={styles.count}>Processing</TableHeaderCell>
              <TableHeaderCell>Errors</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {query.data.map((g) => (
              <TableRow key={g.importId}>
                <TableCell>{g.time ? g.time.toLocaleString() : '—'}</TableCell>
                <TableCell className={styles.mono}>{g.importId || '(none)'}</TableCell>
                <TableCell>{g.total}</TableCell>
                <TableCell>{g.complete}</TableCell>
                <TableCell>{g.error}</TableCell>
                <TableCell>{g.pending}</TableCell>
                <TableCell className={styles.cell}>
                  {[...g.errors].map(([label, n]) => (n > 1 ? `${label} × ${n}` : label)).join(', ')}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
