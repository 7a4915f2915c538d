// Groups | All groups: Name, Membership type (Assigned / Dynamic), Dynamic rule and Members (Graph's members/$count),
// with New group. A name opens the group.
import { Button, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, makeStyles, tokens } from '@fluentui/react-components';
import { AddRegular, ArrowClockwiseRegular } from '@fluentui/react-icons';
import { useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { graph, graphAll } from '../api/client';
import { ErrorMessage } from '../components/ErrorBoundary';
import { isDynamic, type GraphGroup } from '../lib/groups-rules';

const useStyles = makeStyles({
  toolbar: { display: 'flex', flexWrap: 'wrap', marginBottom: tokens.spacingVerticalM, gap: tokens.spacingHorizontalS },
  link: { color: tokens.colorBrandForegroundLink },
  rule: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
  empty: { display: 'block', padding: tokens.spacingVerticalL },
});

interface Row {
  group: GraphGroup;
  members: number;
}

async function loadGroups(): Promise<Row[]> {
  const groups = await graphAll<GraphGroup>('/v1.0/groups?$top=999&$orderby=displayName');
  return Promise.all(
    groups.map(async (group) => ({
      group,
      // $count answers text/plain: a bare number, which is JSON too.
      members: Number(await graph<number>(`/v1.0/groups/${encodeURIComponent(group.id)}/members/$count`, { headers: { ConsistencyLevel: 'eventual' } })),
    })),
  );
}

export default function Groups(_props: { params: Record<string, string | undefined> }) {
  const styles = useStyles();
  const [, navigate] = useLocation();
  const rows = useQuery({ queryKey: ['groups', 'list'], queryFn: loadGroups });
  return (
    <>
      <div role="group" aria-label="Group actions" className={styles.toolbar}>
        <Button appearance="primary" icon={<AddRegular />} onClick={() => navigate('/groups/new')}>
          New group
        </Button>
        <Button icon={<ArrowClockwiseRegular />} onClick={() => void rows.refetch()}>
          Refresh
        </Button>
      </div>
      {rows.isLoading && <Spinner label="Loading groups…" />}
      {rows.error && <ErrorMessage error={rows.error} title="Could not load the groups" />}
      {rows.data && rows.data.length > 0 && (
        <Table aria-label="Groups" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Membership type</TableHeaderCell>
              <TableHeaderCell>Dynamic rule</TableHeaderCell>
              <TableHeaderCell>Members</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.data.map(({ group, members }) => (
              <TableRow key={group.id}>
                <TableCell>
                  <Link href={`/groups/${group.id}`} className={styles.link}>
                    {group.displayName}
                  </Link>
                </TableCell>
                <TableCell>{isDynamic(group) ? 'Dynamic Device' : 'Assigned'}</TableCell>
                <TableCell>
                  <span className={styles.rule}>{group.membershipRule ?? ''}</span>
                </TableCell>
                <TableCell>{members}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {rows.data?.length === 0 && <Text className={styles.empty}>No groups yet. Create one with New group.</Text>}
    </>
  );
}
