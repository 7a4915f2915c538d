// Import Windows Autopilot devices: CSVs (dropped or browsed) or a pasted hash are checked in the browser with the
// CLI's own CSV toolkit before anything is sent (`tarmac csv validate`'s report, `tarmac csv fix`'s download), then
// the valid rows are imported through Graph with live progress and a result per CSV line; "History" lists the
// tenant's imports.
import {
  Button,
  Field,
  Input,
  makeStyles,
  mergeClasses,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Switch,
  Text,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { ArrowUploadRegular } from '@fluentui/react-icons';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { INTUNE_MAX_ROWS } from '../../../src/csv/browser.js';
import { ErrorMessage } from '../components/ErrorBoundary';
import { ImportDropZone } from '../components/ImportDropZone';
import { ImportHistory } from '../components/ImportHistory';
import { ImportPreview } from '../components/ImportPreview';
import { ImportResults } from '../components/ImportResults';
import { checkBytes, checkFile, pastedHashCsv, type CheckedFile } from '../lib/import-files';
import { runImport, type ImportProgress } from '../lib/import-run';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '1400px' },
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  sources: { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', gap: tokens.spacingHorizontalL, alignItems: 'start' },
  paste: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  pasteRow: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: tokens.spacingHorizontalS },
  bar: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', flexWrap: 'wrap' },
  tabs: { display: 'flex', gap: tokens.spacingHorizontalXS, borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
  tab: { borderRadius: 0 },
  // A box shadow, not a border: the button's hover and focus styles restyle its border.
  selected: { boxShadow: `inset 0 -3px 0 ${tokens.colorCompoundBrandStroke}`, fontWeight: tokens.fontWeightSemibold },
  rules: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

function IntuneRules() {
  const styles = useStyles();
  return (
    <MessageBar intent="info" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>Before you import</MessageBarTitle>
        Files are checked here, in your browser, with the same rules as <code>tarmac csv validate</code>; nothing is sent until you select Import.
        <ul className={styles.rules}>
          <li>Header: Device Serial Number,Windows Product ID,Hardware Hash (then Group Tag, Assigned User if used).</li>
          <li>At most {INTUNE_MAX_ROWS} devices per file (Intune’s rule); larger files are flagged, and sent {INTUNE_MAX_ROWS} at a time.</li>
          <li>ANSI or plain ASCII text, commas, no quotation marks, no extra columns; edit in Notepad, not Excel.</li>
          <li>Rows with errors are never sent. “Download fixed CSV” writes a clean file, as <code>tarmac csv fix</code> does.</li>
        </ul>
      </MessageBarBody>
    </MessageBar>
  );
}

function PasteHash({ onChecked, disabled }: { onChecked: (bytes: Uint8Array) => void; disabled: boolean }) {
  const styles = useStyles();
  const [hash, setHash] = useState('');
  const [serial, setSerial] = useState('');
  const [groupTag, setGroupTag] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    try {
      onChecked(pastedHashCsv(hash, serial, groupTag));
      setProblem(null);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form className={styles.paste} onSubmit={submit} aria-label="Paste a hardware hash">
      <Field label="Hardware hash" hint="The base64 text of one device’s “Hardware Hash”." validationMessage={problem} validationState={problem ? 'error' : 'none'}>
        <Textarea value={hash} onChange={(_, d) => setHash(d.value)} resize="vertical" rows={3} />
      </Field>
      <div className={styles.pasteRow}>
        <Field label="Serial number (optional)">
          <Input value={serial} onChange={(_, d) => setSerial(d.value)} />
        </Field>
        <Field label="Group tag (optional)">
          <Input value={groupTag} onChange={(_, d) => setGroupTag(d.value)} />
        </Field>
      </div>
      <div>
        <Button type="submit" disabled={disabled || hash.trim() === ''}>
          Check hash
        </Button>
      </div>
    </form>
  );
}

function ImportPanel() {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const [files, setFiles] = useState<CheckedFile[]>([]);
  const [strict, setStrict] = useState(false);
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<unknown>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [running, setRunning] = useState(false);
  const [importError, setImportError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const check = async (work: () => Promise<CheckedFile[]>) => {
    setChecking(true);
    setCheckError(null);
    try {
      const checked = await work();
      setFiles((prev) => [...prev, ...checked]);
    } catch (err) {
      setCheckError(err);
    } finally {
      setChecking(false);
    }
  };

  const changeStrict = async (value: boolean) => {
    setStrict(value);
    await check(async () => {
      const again = await Promise.all(files.map((f) => checkBytes(f.name, f.bytes, value, f.key)));
      setFiles([]);
      return again;
    });
  };

  const devices = files.reduce((n, f) => n + f.devices.length, 0);

  const start = async () => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setImportError(null);
    try {
      await runImport(files, setProgress, controller.signal);
    } catch (err) {
      if (!controller.signal.aborted) setImportError(err);
    } finally {
      if (!controller.signal.aborted) setRunning(false);
      void queryClient.invalidateQueries({ queryKey: ['imports'] });
    }
  };

  return (
    <div className={styles.panel}>
      <IntuneRules />
      <div className={styles.sources}>
        <ImportDropZone disabled={running} onFiles={(list) => void check(() => Promise.all(list.map((f) => checkFile(f, strict))))} />
        <PasteHash disabled={running} onChecked={(bytes) => void check(async () => [await checkBytes('Pasted hash', bytes, strict)])} />
      </div>
      <div className={styles.bar}>
        <Switch
          label="Apply Intune’s rules strictly (as tarmac csv validate --strict)"
          checked={strict}
          disabled={running || checking}
          onChange={(_, d) => void changeStrict(d.checked)}
        />
        {checking && <Spinner size="tiny" label="Checking…" />}
      </div>
      {checkError !== null && <ErrorMessage error={checkError} title="Could not read the file" />}
      {files.map((f) => (
        <ImportPreview key={f.key} file={f} disabled={running} onRemove={() => setFiles((prev) => prev.filter((x) => x.key !== f.key))} />
      ))}
      {files.length > 0 && (
        <div className={styles.bar}>
          <Button appearance="primary" icon={<ArrowUploadRegular />} disabled={running || checking || devices === 0} onClick={() => void start()}>
            Import
          </Button>
          <Text>
            {devices === 0 ? 'No device can be imported: every row has errors.' : `${devices} device${devices === 1 ? '' : 's'} from ${files.length} file${files.length === 1 ? '' : 's'} will be sent; rows with errors are not.`}
          </Text>
          {running && <Spinner size="tiny" label="Importing…" />}
        </div>
      )}
      {importError !== null && <ErrorMessage error={importError} title="The import stopped" />}
      {progress && <ImportResults progress={progress} running={running} />}
    </div>
  );
}

type View = 'import' | 'history';
const VIEWS: { value: View; label: string }[] = [
  { value: 'import', label: 'Import' },
  { value: 'history', label: 'History' },
];

/**
 * The page's two views as WAI-ARIA tabs (arrow keys move between them). Fluent's TabList is not used: its arrow-key
 * group adds aria-hidden focusable guard elements that axe-core reports as serious (aria-hidden-focus).
 */
function ViewTabs({ view, onChange }: { view: View; onChange: (v: View) => void }) {
  const styles = useStyles();
  const move = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = VIEWS.findIndex((v) => v.value === view);
    const next = VIEWS[(i + (e.key === 'ArrowRight' ? 1 : VIEWS.length - 1)) % VIEWS.length];
    if (!next) return;
    onChange(next.value);
    document.getElementById(`import-tab-${next.value}`)?.focus();
  };
  return (
    <div role="tablist" aria-label="Import views" className={styles.tabs} onKeyDown={move}>
      {VIEWS.map((v) => (
        <Button
          key={v.value}
          id={`import-tab-${v.value}`}
          role="tab"
          appearance="transparent"
          aria-selected={view === v.value}
          aria-controls={`import-panel-${v.value}`}
          tabIndex={view === v.value ? 0 : -1}
          className={mergeClasses(styles.tab, view === v.value && styles.selected)}
          onClick={() => onChange(v.value)}
        >
          {v.label}
        </Button>
      ))}
    </div>
  );
}

export default function Import(_props: { params: Record<string, string | undefined> }) {
  const styles = useStyles();
  const [view, setView] = useState<View>('import');
  return (
    <div className={styles.page}>
      <ViewTabs view={view} onChange={setView} />
      {/* Both stay mounted: leaving the tab must not stop an import that is running. */}
      <div role="tabpanel" id="import-panel-import" aria-labelledby="import-tab-import" hidden={view !== 'import'}>
        <ImportPanel />
      </div>
      <div role="tabpanel" id="import-panel-history" aria-labelledby="import-tab-history" hidden={view !== 'history'}>
        {view === 'history' && <ImportHistory />}
      </div>
    </div>
  );
}
