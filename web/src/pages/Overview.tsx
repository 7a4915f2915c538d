// The home page. A customer's admin sees summary cards (devices, profiles, groups) and charts: enrollment state and
// profile status (exact counts, one cheap $count call per value), manufacturers and models (a bounded sample,
// labelled so), registrations per day and import results. A partner (CSP) user sees its customers, their batches
// and devices instead. Every query is its own, so one slow or refused call leaves the rest of the page standing.
import { Text } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { isPartner, useOrganization } from '../app/organization';
import { ChartCard, OverviewBars, OverviewDays, OverviewDonut, SummaryCard, useOverviewStyles } from '../components/OverviewCharts';
import {
  DAYS,
  IMPORT_SAMPLE_LIMIT,
  PARTNER_CUSTOMER_LIMIT,
  SAMPLE_LIMIT,
  customerSummary,
  enrollmentCounts,
  hardwareSample,
  importResults,
  partnerSummary,
  profileStatusCounts,
  registrationsPerDay,
} from '../lib/overview-queries';

export default function Overview(_props: { params: Record<string, string | undefined> }) {
  const org = useOrganization();
  return isPartner(org.data) ? <PartnerOverview /> : <CustomerOverview />;
}

function CustomerOverview() {
  const styles = useOverviewStyles();
  const summary = useQuery({ queryKey: ['overview', 'summary'], queryFn: customerSummary });
  const enrollment = useQuery({ queryKey: ['overview', 'enrollment'], queryFn: enrollmentCounts });
  const profiles = useQuery({ queryKey: ['overview', 'profileStatus'], queryFn: profileStatusCounts });
  const hardware = useQuery({ queryKey: ['overview', 'hardware'], queryFn: hardwareSample });
  const days = useQuery({ queryKey: ['overview', 'registrations'], queryFn: () => registrationsPerDay() });
  const imports = useQuery({ queryKey: ['overview', 'imports'], queryFn: importResults });
  const sampleNote = (sampled: number | undefined) =>
    sampled !== undefined && summary.data && sampled < summary.data.devices
      ? `A sample: the first ${sampled.toLocaleString()} of ${summary.data.devices.toLocaleString()} devices.`
      : `All devices (the chart reads at most the first ${SAMPLE_LIMIT.toLocaleString()}).`;
  return (
    <>
      <div className={styles.cards}>
        <SummaryCard label="Windows Autopilot devices" value={summary.data?.devices} href="/devices" />
        <SummaryCard label="Deployment profiles" value={summary.data?.profiles} href="/profiles" />
        <SummaryCard label="Groups" value={summary.data?.groups} href="/groups" />
      </div>
      {summary.error ? <Text>Could not read the totals: {summary.error.message}</Text> : null}
      <div className={styles.charts}>
        <ChartCard id="enrollment" title="Enrollment state" loading={enrollment.isLoading} error={enrollment.error}>
          {enrollment.data && <OverviewDonut title="Enrollment state" slices={enrollment.data} />}
        </ChartCard>
        <ChartCard id="profile-status" title="Profile status" loading={profiles.isLoading} error={profiles.error}>
          {profiles.data && <OverviewDonut title="Profile status" slices={profiles.data} />}
        </ChartCard>
        <ChartCard id="manufacturers" title="Devices by manufacturer" note={sampleNote(hardware.data?.sampled)} loading={hardware.isLoading} error={hardware.error}>
          {hardware.data && <OverviewDonut title="Devices by manufacturer" slices={hardware.data.manufacturers} />}
        </ChartCard>
        <ChartCard id="models" title="Devices by model" note={sampleNote(hardware.data?.sampled)} loading={hardware.isLoading} error={hardware.error}>
          {hardware.data && <OverviewBars title="Devices by model" slices={hardware.data.models} />}
        </ChartCard>
        <ChartCard
          id="registrations"
          title="Devices registered per day"
          note={`The last ${DAYS} days, by the date each device's Entra object was created (imports, partners and OEMs).`}
          loading={days.isLoading}
          error={days.error}
        >
          {days.data && <OverviewDays title="Devices registered per day" days={days.data} />}
        </ChartCard>
        <ChartCard
          id="imports"
          title="Import results"
          note={
            imports.data && imports.data.sampled >= IMPORT_SAMPLE_LIMIT
              ? `The first ${IMPORT_SAMPLE_LIMIT.toLocaleString()} imported devices.`
              : 'Every device imported from Graph or a CSV file and not yet removed from the import list.'
          }
          loading={imports.isLoading}
          error={imports.error}
        >
          {imports.data && <OverviewDonut title="Import results" slices={imports.data.slices} unit="Imported devices" />}
        </ChartCard>
      </div>
    </>
  );
}

function PartnerOverview() {
  const styles = useOverviewStyles();
  const summary = useQuery({ queryKey: ['overview', 'partner'], queryFn: partnerSummary });
  const limited = summary.data && summary.data.customersRead < summary.data.customers;
  const note = limited ? `Over your first ${PARTNER_CUSTOMER_LIMIT} customers.` : undefined;
  return (
    <>
      <div className={styles.cards}>
        <SummaryCard label="Customers" value={summary.data?.customers} href="/customers" />
        <SummaryCard label="Device batches" value={summary.data?.batches} {...(note ? { note } : {})} />
        <SummaryCard label="Devices registered in batches" value={summary.data?.devices} {...(note ? { note } : {})} />
      </div>
      <div className={styles.charts}>
        <ChartCard id="per-customer" title="Devices per customer" {...(note ? { note } : {})} loading={summary.isLoading} error={summary.error}>
          {summary.data && <OverviewBars title="Devices per customer" slices={summary.data.perCustomer} />}
        </ChartCard>
      </div>
    </>
  );
}
