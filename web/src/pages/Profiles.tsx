// Windows Autopilot deployment profiles: Intune's list (Name, Join type, Deployment mode, Assigned, Created) with
// Create profile (Windows PC / HoloLens) opening the wizard; a name opens the profile in the same wizard.
import {
  Button,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, ArrowClockwiseRegular, ChevronDownRegular } from '@fluentui/react-icons';
import { useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { graph, graphAll } from '../api/client';
import { ErrorMessage } from '../components/ErrorBoundary';
import { JOIN_TYPE_LABEL, MODE_LABEL, PROFILES_PATH, joinTypeOf, modeOf, type GraphAssignment, type GraphProfile } from '../lib/profiles-model';

const useStyles = makeStyles({
  toolbar: { display: 'flex', flexWrap: 'wrap', marginBottom: tokens.spacingVerticalM, gap: tokens.spacingHorizontalS },
  link: { color: tokens.colorBrandForegroundLink },
  empty: { display: 'block', padding: tokens.spacingVerticalL },
});

interface Row {
  profile: GraphProfile;
  assigned: boolean;
}

/** Every profile (≤350 per tenant) with whether it has assignments. */
async function loadProfiles(): Promise<Row[]> {
  const profiles = await graphAll<GraphProfile>(`${PROFILES_PATH}?$top=350&$orderby=displayName`);
  return Promise.all(
    profiles.map(async (profile) => {
      const assignments = await graph<{ value: GraphAssignment[] }>(`${PROFILES_PATH}/${encodeURIComponent(profile.id)}/assignments`);
      return { profile, assigned: assignments.value.length > 0 };
    }),
  );
}

export default function Profiles(_props: { params: Record<string, string | undefined> }) {
  const styles = useStyles();
  const [, navigate] = useLocation();
  const rows = useQuery({ queryKey: ['profiles', 'list'], queryFn: loadProfiles });

  return (
    <>
      <div role="group" aria-label="Deployment profile actions" className={styles.toolbar}>
        <Menu>
          <MenuTrigger disableButtonEnhancement>
            <Button appearance="primary" icon={<AddRegular />} iconPosition="before">
              Create profile <ChevronDownRegular />
            </Button>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuItem onClick={() => navigate('/profiles/new')}>Windows PC</MenuItem>
              <MenuItem onClick={() => navigate('/profiles/new?deviceType=holoLens')}>HoloLens</MenuItem>
            </MenuList>
          </MenuPopover>
        </Menu>
        <Button icon={<ArrowClockwiseRegular />} onClick={() => void rows.refetch()}>
          Refresh
        </Button>
      </div>
      {rows.isLoading && <Spinner label="Loading deployment profiles…" />}
      {rows.error && <ErrorMessage error={rows.error} title="Could not load the deployment profiles" />}
      {rows.data && (
        <Table aria-label="Windows Autopilot deployment profiles" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Join type</TableHeaderCell>
              <TableHeaderCell>Deployment mode</TableHeaderCell>
              <TableHeaderCell>Assigned</TableHeaderCell>
              <TableHeaderCell>Created</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.data.map(({ profile, assigned }) => (
              <TableRow key={profile.id}>
                <TableCell>
                  <Link href={`/profiles/${profile.id}`} className={styles.link}>
                    {profile.displayName}
                  </Link>
                </TableCell>
                <TableCell>{JOIN_TYPE_LABEL[joinTypeOf(profile)]}</TableCell>
                <TableCell>{MODE_LABEL[modeOf(profile)]}</TableCell>
                <TableCell>{assigned ? 'Yes' : 'No'}</TableCell>
                <TableCell>{new Date(profile.createdDateTime).toLocaleString()}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {rows.data?.length === 0 && (
        <Text className={styles.empty}>No deployment profiles yet. Create one with Create profile → Windows PC.</Text>
      )}
    </>
  );
}
