// Shared rendering for the csv commands: diagnostics tables, change lists, dropped rows.
import type { CsvChange, CsvDiagnostic, DroppedRow } from '../csv/index.js';
import type { Output } from './output.js';
import { severityLabel } from './output.js';

export function printDiagnostics(out: Output, diagnostics: readonly CsvDiagnostic[], file?: string): void {
  if (diagnostics.length === 0) return;
  out.table(
    ['line', 'column', 'severity', 'code', 'message', 'hint'],
    diagnostics.map((d) => [file ? `${file}:${d.line}` : d.line, d.column, severityLabel(out, d.severity), d.code, d.message, d.hint]),
  );
}

/** Lines as `3, 5-9, 12` (and `… (N lines)` when long), so a change on 100k rows stays one readable line. */
export function lineRanges(lines: readonly number[], max = 12): string {
  const sorted = [...lines].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  const shown = parts.slice(0, max).join(', ');
  return parts.length > max ? `${shown}, … (${sorted.length} lines)` : shown;
}

export function printChanges(out: Output, changes: readonly CsvChange[]): void {
  if (changes.length === 0) {
    out.line('No values were changed.');
    return;
  }
  out.line(out.color.bold('Changed:'));
  for (const c of changes) {
    const where = c.lines.length ? ` (${c.file ? `${c.file} ` : ''}line${c.lines.length === 1 ? '' : 's'} ${lineRanges(c.lines)})` : c.file ? ` (${c.file})` : '';
    out.line(`  - ${c.message}${where}`);
  }
}

export function printDropped(out: Output, dropped: readonly DroppedRow[]): void {
  if (dropped.length === 0) return;
  out.line(out.color.bold(`Left out (${dropped.length}):`));
  out.table(
    ['row', 'why'],
    dropped.map((d) => [`${d.file ? `${d.file}:` : ''}${d.line}`, d.reason]),
  );
}
