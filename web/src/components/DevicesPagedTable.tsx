// A simple server-paged Fluent table for the Entra and Intune device lists: a search box (its OData $filter is the
// page's), the total (@odata.count), and Previous / Next through @odata.nextLink (the links seen are kept, so
// Previous needs no $skip).
import {
  Body1,
  Button,
  Field,
  makeStyles,
  SearchBox,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { graph, relative, type Page } from '../api/client';
import { ErrorMessage } from './ErrorBoundary';

export interface PagedColumn<T> {
  label: string;
  render: (row: T) => ReactNode;
}

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minWidth: 0 },
  bar: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'flex-end', flexWrap: 'wrap' },
  search: { width: '280px' },
  scroll: { overflowX: 'auto' },
  pager: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  cell: { overflowWrap: 'anywhere' },
});

export function DevicesPagedTable<T extends { id: string }>({
  label,
  searchLabel,
  firstPage,
  columns,
}: {
  /** The table's accessible name. */
  label: string;
  searchLabel: string;
  /** The first page's URL for a search text ('' for none). */
  firstPage: (search: string) => string;
  columns: PagedColumn<T>[];
}) {
  const styles = useStyles();
  const [search, setSearch] = useState('');
  const [debounced, setDebounced] = useState('');
  const [links, setLinks] = useState<string[]>([]);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(search.trim()), 300);
    return () => clearTimeout(timer);
  }, [search]);
  useEffect(() => setLinks([firstPage(debounced)]), [debounced, firstPage]);
  const url = links[links.length - 1];
  const page = useQuery({ queryKey: ['paged', url], enabled: url !== undefined, queryFn: ({ signal }) => graph<Page<T>>(url ?? '', { signal }) });
  const total = page.data?.['@odata.count'];
  const next = page.data?.['@odata.nextLink'];

  return (
    <div className={styles.root}>
      <div className={styles.bar} role="search" aria-label={`Search ${label}`}>
        <Field label={searchLabel}>
          <SearchBox className={styles.search} value={search} onChange={(_, d) => setSearch(d.value)} />
        </Field>
        <Body1 aria-live="polite">{total !== undefined ? `${total.toLocaleString()} devices` : ''}</Body1>
      </div>
      {page.error ? (
        <ErrorMessage error={page.error} title="Could not list the devices" />
      ) : page.isLoading || !page.data ? (
        <Spinner label="Loading devices…" />
      ) : (
        <div className={styles.scroll}>
          <Table aria-label={label} size="small">
            <TableHeader>
              <TableRow>
                {columns.map((c) => (
                  <TableHeaderCell key={c.label}>{c.label}</TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {page.data.value.map((row) => (
                <TableRow key={row.id}>
                  {columns.map((c) => (
                    <TableCell key={c.label} className={styles.cell}>
                      {c.render(row)}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
              {page.data.value.length === 0 && (
                <TableRow>
                  <TableCell colSpan={columns.length}>No devices.</TableCell>
                </TableRow>
              )}
            </TableBody>
          </Table>
        </div>
      )}
      <nav className={styles.pager} aria-label="Pages">
        <Button disabled={links.length <= 1} onClick={() => setLinks(links.slice(0, -1))}>
          Previous page
        </Button>
        <Body1>Page {links.length}</Body1>
        <Button disabled={next === undefined} onClick={() => next !== undefined && setLinks([...links, relative(next)])}>
          Next page
        </Button>
      </nav>
    </div>
  );
}
