// The Autopilot devices grid: an ARIA grid whose rows are virtualized (@tanstack/react-virtual), so 100k devices
// cost the DOM only the rows on screen. Pages come from the server (sort and filter are OData) and the next page is
// fetched by following @odata.nextLink as the user scrolls near the end of what is loaded. Keyboard: one row is in
// the tab order; arrows, Home/End and Page Up/Down move, Space selects, Enter opens the device.
import { Checkbox, makeStyles, mergeClasses, Spinner, tokens } from '@fluentui/react-components';
import { ArrowSortDownRegular, ArrowSortUpRegular } from '@fluentui/react-icons';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { relative, type Page } from '../api/client';
import { cellText, devicesUrl, fetchDevicePage, type AutopilotDevice, type Column, type ColumnKey, type DeviceFilter, type DeviceSort } from '../lib/devices-api';

const ROW_HEIGHT = 40;
/** Fetch the next page when the view is this many rows from the end of what is loaded. */
const PREFETCH_ROWS = 100;

const useStyles = makeStyles({
  table: {
    overflow: 'auto',
    height: 'calc(100vh - 330px)',
    minHeight: '280px',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    position: 'relative',
  },
  head: { position: 'sticky', top: 0, zIndex: 1, backgroundColor: tokens.colorNeutralBackground2 },
  row: {
    display: 'grid',
    alignItems: 'center',
    minHeight: `${ROW_HEIGHT}px`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    boxSizing: 'border-box',
  },
  bodyRow: {
    position: 'absolute',
    top: 0,
    left: 0,
    height: `${ROW_HEIGHT}px`,
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  },
  selected: { backgroundColor: tokens.colorNeutralBackground1Selected },
  cell: {
    padding: `0 ${tokens.spacingHorizontalS}`,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    color: tokens.colorNeutralForeground1,
    fontSize: tokens.fontSizeBase300,
  },
  checkCell: { display: 'flex', alignItems: 'center', paddingLeft: tokens.spacingHorizontalXS },
  header: { fontWeight: tokens.fontWeightSemibold },
  sortButton: {
    border: 'none',
    background: 'none',
    padding: 0,
    font: 'inherit',
    cursor: 'pointer',
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    fontWeight: tokens.fontWeightSemibold,
    color: tokens.colorNeutralForeground1,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  searching: { opacity: 0.6 },
  empty: { padding: tokens.spacingVerticalL, color: tokens.colorNeutralForeground2 },
});

/** The grid's pages for a filter and sort (react-query caches them per filter and sort). */
export function useDevicePages(filter: DeviceFilter, sort: DeviceSort | null) {
  const query = useInfiniteQuery({
    queryKey: ['autopilot-devices', filter, sort],
    queryFn: ({ pageParam, signal }) => fetchDevicePage(pageParam, signal),
    initialPageParam: devicesUrl(filter, sort),
    getNextPageParam: (last: Page<AutopilotDevice>) => (last['@odata.nextLink'] !== undefined ? relative(last['@odata.nextLink']) : undefined),
    staleTime: 30_000,
    // While a new filter's first page loads, the old rows stay (no "No devices match." flash in between).
    placeholderData: keepPreviousData,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.value) ?? [], [query.data]);
  const total = query.data?.pages[0]?.['@odata.count'];
  return { ...query, rows, total, searching: query.isPlaceholderData };
}

export interface DevicesGridProps {
  rows: AutopilotDevice[];
  total: number | undefined;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  /** A new filter's rows are on their way (the rows shown are the previous filter's). */
  searching?: boolean;
  fetchNextPage: () => unknown;
  columns: Column[];
  sort: DeviceSort | null;
  onSort: (sort: DeviceSort | null) => void;
  selected: ReadonlySet<string>;
  onSelectedChange: (selected: Set<string>) => void;
  onOpen: (device: AutopilotDevice) => void;
}

export function DevicesGrid(props: DevicesGridProps) {
  const { rows, columns, selected, onSelectedChange, hasNextPage, isFetchingNextPage, fetchNextPage } = props;
  const styles = useStyles();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const template = `44px ${columns.map((c) => `${c.width}px`).join(' ')}`;
  const width = 44 + columns.reduce((sum, c) => sum + c.width, 0);
  const count = rows.length + (hasNextPage ? 1 : 0);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.length > 0 ? items[items.length - 1].index : 0;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && last >= rows.length - PREFETCH_ROWS) void fetchNextPage();
  }, [last, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  useEffect(() => {
    if (active >= rows.length && rows.length > 0) setActive(0);
  }, [rows.length, active]);

  function toggle(id: string) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelectedChange(next);
  }

  const allLoadedSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const someSelected = selected.size > 0 && !allLoadedSelected;

  function focusRow(index: number) {
    const target = Math.max(0, Math.min(rows.length - 1, index));
    setActive(target);
    virtualizer.scrollToIndex(target, { align: 'auto' });
    // The row may only exist after the virtualizer renders it.
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${target}"]`)?.focus());
  }

  function onRowKey(e: KeyboardEvent<HTMLDivElement>, index: number, device: AutopilotDevice) {
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, PageDown: index + pageRows, PageUp: index - pageRows, Home: 0, End: rows.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      focusRow(moves[e.key]);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      props.onOpen(device);
    } else if (e.key === ' ') {
      e.preventDefault();
      toggle(device.id);
    }
  }

  function headerFor(c: Column) {
    const sorted = props.sort?.key === c.key ? props.sort : null;
    const next = (key: ColumnKey): DeviceSort | null => (sorted === null ? { key, descending: false } : sorted.descending ? null : { key, descending: true });
    return (
      <div key={c.key} role="columnheader" className={mergeClasses(styles.cell, styles.header)} aria-sort={sorted ? (sorted.descending ? 'descending' : 'ascending') : 'none'}>
        <button type="button" className={styles.sortButton} onClick={() => props.onSort(next(c.key))} title={`Sort by ${c.label}`}>
          {c.label}
          {sorted && (sorted.descending ? <ArrowSortDownRegular aria-hidden /> : <ArrowSortUpRegular aria-hidden />)}
        </button>
      </div>
    );
  }

  return (
    <div
      ref={scrollRef}
      role="grid"
      aria-label="Windows Autopilot devices"
      aria-multiselectable
      aria-busy={props.searching}
      aria-rowcount={(props.total ?? rows.length) + 1}
      className={mergeClasses(styles.table, props.searching && styles.searching)}
    >
      <div role="rowgroup" className={styles.head} style={{ width }}>
        <div role="row" aria-rowindex={1} className={styles.row} style={{ gridTemplateColumns: template }}>
          <div role="columnheader" className={styles.checkCell}>
            <Checkbox
              aria-label="Select all loaded devices"
              checked={allLoadedSelected ? true : someSelected ? 'mixed' : false}
              onChange={() => onSelectedChange(allLoadedSelected ? new Set() : new Set(rows.map((r) => r.id)))}
            />
          </div>
          {columns.map(headerFor)}
        </div>
      </div>
      <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), width, position: 'relative' }}>
        {rows.length === 0 && !hasNextPage && !props.searching && (
          <div role="row" className={styles.empty}>
            <div role="gridcell">No devices match.</div>
          </div>
        )}
        {items.map((item) => {
          const device = rows[item.index];
          if (!device) {
            return (
              <div key="loading" role="row" aria-rowindex={item.index + 2} className={mergeClasses(styles.row, styles.bodyRow)} style={{ width, transform: `translateY(${item.start}px)` }}>
                <div role="gridcell" className={styles.cell}>
                  <Spinner size="tiny" label="Loading more devices…" />
                </div>
              </div>
            );
          }
          const isSelected = selected.has(device.id);
          return (
            <div
              key={device.id}
              role="row"
              data-index={item.index}
              aria-rowindex={item.index + 2}
              aria-selected={isSelected}
              tabIndex={item.index === active ? 0 : -1}
              className={mergeClasses(styles.row, styles.bodyRow, isSelected && styles.selected)}
              style={{ gridTemplateColumns: template, width, transform: `translateY(${item.start}px)` }}
              onClick={() => {
                setActive(item.index);
                props.onOpen(device);
              }}
              onFocus={() => setActive(item.index)}
              onKeyDown={(e) => {
                if (e.target === e.currentTarget) onRowKey(e, item.index, device);
              }}
            >
              <div role="gridcell" className={styles.checkCell} onClick={(e) => e.stopPropagation()}>
                <Checkbox aria-label={`Select ${device.serialNumber || device.id}`} checked={isSelected} onChange={() => toggle(device.id)} tabIndex={-1} />
              </div>
              {columns.map((c) => (
                <div key={c.key} role="gridcell" className={styles.cell} title={cellText(device, c.key)}>
                  {cellText(device, c.key)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
