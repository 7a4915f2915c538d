// The Overview's building blocks: summary cards (a number that links to its page), and chart cards, each a titled
// section whose chart (Fluent's v9 charts, only in the Overview chunk) comes with its numbers as a table — the text
// alternative a screen reader reads, and what a reader who wants the exact figures looks at.
import {
  Card,
  makeStyles,
  Skeleton,
  SkeletonItem,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { DataVizPalette, DonutChart, getColorFromToken, HorizontalBarChartWithAxis, VerticalBarChart } from '@fluentui/react-charts';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { useThemeName } from '../app/theme';
import type { Slice } from '../lib/overview-queries';
import { ErrorMessage } from './ErrorBoundary';

export const useOverviewStyles = makeStyles({
  cards: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))', gap: tokens.spacingHorizontalL, marginBottom: tokens.spacingVerticalXL },
  charts: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(420px, 1fr))', gap: tokens.spacingHorizontalL },
  card: { padding: tokens.spacingHorizontalL },
  number: { fontSize: tokens.fontSizeHero800, lineHeight: tokens.lineHeightHero800, fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground1 },
  link: { color: tokens.colorBrandForegroundLink, ':hover': { color: tokens.colorBrandForegroundLinkHover } },
  muted: { color: tokens.colorNeutralForeground3 },
  chart: { minHeight: '220px', overflow: 'hidden' },
  figure: { margin: 0, minHeight: '220px', overflow: 'hidden' },
  details: { marginTop: tokens.spacingVerticalS },
  summary: { cursor: 'pointer', color: tokens.colorNeutralForeground2 },
});

export function SummaryCard({ label, value, href, note }: { label: string; value: number | undefined; href?: string; note?: string }) {
  const styles = useOverviewStyles();
  return (
    <Card className={styles.card}>
      <Text weight="semibold">{href ? <Link href={href} className={styles.link}>{label}</Link> : label}</Text>
      {value === undefined ? (
        <Skeleton aria-label={`Loading ${label}`}>
          <SkeletonItem size={40} />
        </Skeleton>
      ) : (
        <Text className={styles.number} aria-label={`${label}: ${value.toLocaleString()}`}>
          {value.toLocaleString()}
        </Text>
      )}
      {note && <Text size={200} className={styles.muted}>{note}</Text>}
    </Card>
  );
}

export function ChartCard({ id, title, note, error, loading, children }: { id: string; title: string; note?: string; error?: unknown; loading: boolean; children?: ReactNode }) {
  const styles = useOverviewStyles();
  return (
    <Card className={styles.card} role="region" aria-labelledby={`${id}-title`}>
      <Text as="h2" id={`${id}-title`} size={400} weight="semibold">
        {title}
      </Text>
      {note && <Text size={200} className={styles.muted}>{note}</Text>}
      {error ? (
        <ErrorMessage error={error} title={`Could not read ${title.toLowerCase()}`} />
      ) : loading ? (
        <Skeleton aria-label={`Loading ${title}`}>
          <SkeletonItem shape="rectangle" style={{ height: 200 }} />
        </Skeleton>
      ) : (
        children
      )}
    </Card>
  );
}

/** The chart's numbers as a table (closed by default; screen readers reach it either way). */
function DataTable({ caption, rows, unit }: { caption: string; rows: { label: string; count: number }[]; unit: string }) {
  const styles = useOverviewStyles();
  return (
    <details className={styles.details}>
      <summary className={styles.summary}>Show the numbers</summary>
      <Table size="extra-small" aria-label={caption}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{caption}</TableHeaderCell>
            <TableHeaderCell>{unit}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((r) => (
            <TableRow key={r.label}>
              <TableCell>{r.label}</TableCell>
              <TableCell>{r.count.toLocaleString()}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </details>
  );
}

function useColors(): (index: number) => string {
  const [theme] = useThemeName();
  const palette = [
    DataVizPalette.color1,
    DataVizPalette.color2,
    DataVizPalette.color3,
    DataVizPalette.color4,
    DataVizPalette.color5,
    DataVizPalette.color6,
    DataVizPalette.color7,
    DataVizPalette.color8,
    DataVizPalette.color9,
    DataVizPalette.color10,
  ];
  return (i) => getColorFromToken(palette[i % palette.length] ?? DataVizPalette.color1, theme === 'dark');
}

/** Slices as a donut with the total inside; zero slices are left out of the chart (the table keeps them). */
export function OverviewDonut({ title, slices, unit = 'Devices' }: { title: string; slices: Slice[]; unit?: string }) {
  const styles = useOverviewStyles();
  const color = useColors();
  const shown = slices.filter((s) => s.count > 0);
  const total = slices.reduce((n, s) => n + s.count, 0);
  const summary = `${title}: ${shown.map((s) => `${s.label} ${s.count}`).join(', ') || 'none'}`;
  return (
    <>
      {total === 0 ? (
        <Text className={styles.muted}>Nothing to show yet.</Text>
      ) : (
        // The donut would draw a chartTitle as visible text above itself: its summary names the figure instead.
        <figure className={styles.figure} aria-label={summary}>
          <DonutChart
            data={{ chartData: shown.map((s, i) => ({ legend: s.label, data: s.count, color: color(i) })) }}
            innerRadius={55}
            height={220}
            width={400}
            valueInsideDonut={total.toLocaleString()}
            hideLabels={false}
            legendProps={{ allowFocusOnLegends: true }}
          />
        </figure>
      )}
      <DataTable caption={title} rows={slices} unit={unit} />
    </>
  );
}

/** Counts by label as horizontal bars (long labels such as models read well). */
export function OverviewBars({ title, slices, unit = 'Devices', limit = 8 }: { title: string; slices: Slice[]; unit?: string; limit?: number }) {
  const styles = useOverviewStyles();
  const color = useColors();
  const top = slices.slice(0, limit);
  return (
    <>
      {top.length === 0 ? (
        <Text className={styles.muted}>Nothing to show yet.</Text>
      ) : (
        <div className={styles.chart}>
          <HorizontalBarChartWithAxis
            chartTitle={`${title}: ${top.map((s) => `${s.label} ${s.count}`).join(', ')}`}
            data={[...top].reverse().map((s) => ({ x: s.count, y: s.label, color: color(0), legend: s.label, xAxisCalloutData: s.label, yAxisCalloutData: String(s.count) }))}
            height={Math.max(160, top.length * 36 + 60)}
            width={420}
            hideLegend
            xAxisTickCount={Math.min(5, Math.max(...top.map((s) => s.count)))}
            showYAxisLables
          />
        </div>
      )}
      <DataTable caption={title} rows={slices} unit={unit} />
    </>
  );
}

/** A count per day as vertical bars. */
export function OverviewDays({ title, days, unit = 'Devices' }: { title: string; days: { day: string; count: number }[]; unit?: string }) {
  const styles = useOverviewStyles();
  const color = useColors();
  const short = (day: string) => day.slice(5);
  return (
    <>
      <div className={styles.chart}>
        <VerticalBarChart
          chartTitle={`${title}: ${days.map((d) => `${d.day} ${d.count}`).join(', ')}`}
          data={days.map((d) => ({ x: short(d.day), y: d.count, legend: d.day, color: color(1), xAxisCalloutData: d.day, yAxisCalloutData: String(d.count) }))}
          height={220}
          width={420}
          hideLegend
          useSingleColor
          yAxisTickCount={Math.min(5, Math.max(1, ...days.map((d) => d.count)))}
        />
      </div>
      <DataTable caption={title} rows={days.map((d) => ({ label: d.day, count: d.count }))} unit={unit} />
    </>
  );
}
