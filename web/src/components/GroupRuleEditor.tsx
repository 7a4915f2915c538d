// The dynamic device rule editor: the rule as text, checked as you type with Tarmac's own parser (the server's
// message, and the character it points at underlined), buttons inserting Intune's Autopilot rules, and a live
// preview of the Entra devices the rule matches, evaluated in the browser (first 1,000 devices).
import {
  Button,
  Field,
  Input,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular } from '@fluentui/react-icons';
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useId, useMemo, useRef, useState } from 'react';
import { graph, type Page } from '../api/client';
import { ErrorMessage } from './ErrorBoundary';
import { AUTOPILOT_RULES, PREVIEW_LIMIT, checkRule, matchingDevices, physicalIdValue, type GraphDevice } from '../lib/groups-rules';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  rule: { fontFamily: tokens.fontFamilyMonospace },
  location: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase300,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    margin: 0,
    padding: tokens.spacingHorizontalS,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
  },
  mark: {
    backgroundColor: tokens.colorPaletteRedBackground2,
    color: tokens.colorNeutralForeground1,
    textDecorationLine: 'underline',
    textDecorationStyle: 'wavy',
    textDecorationColor: tokens.colorPaletteRedForeground1,
    textUnderlineOffset: '3px',
  },
  helpers: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'flex-end' },
  helper: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end' },
  heading: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, margin: `${tokens.spacingVerticalM} 0 0` },
  ok: { color: tokens.colorPaletteGreenForeground1 },
});

/** The first PREVIEW_LIMIT Entra devices of the tenant, and whether there are more. */
async function loadDevices(): Promise<{ devices: GraphDevice[]; more: boolean }> {
  const page = await graph<Page<GraphDevice>>(
    `/v1.0/devices?$top=${PREVIEW_LIMIT}&$select=id,deviceId,displayName,operatingSystem,operatingSystemVersion,accountEnabled,trustType,enrollmentProfileName,deviceOwnership,managementType,physicalIds`,
  );
  return { devices: page.value, more: page['@odata.nextLink'] !== undefined };
}

export function GroupRuleEditor({ rule, onChange }: { rule: string; onChange: (rule: string) => void }) {
  const styles = useStyles();
  const [tag, setTag] = useState('');
  const [po, setPo] = useState('');
  const textarea = useRef<HTMLTextAreaElement>(null);
  const locationId = useId();
  const deferred = useDeferredValue(rule);
  const check = useMemo(() => checkRule(deferred), [deferred]);
  const devices = useQuery({ queryKey: ['groups', 'preview-devices'], queryFn: loadDevices });
  const matches = useMemo(() => (check.ok && devices.data ? matchingDevices(check.node, devices.data.devices) : []), [check, devices.data]);

  /** Adds a rule: the rule itself when the box is empty, otherwise joined with -or. */
  const insert = (piece: string) => onChange(rule.trim() === '' ? piece : `${rule.trim()} -or ${piece}`);
  const showError = () => {
    if (check.ok || !textarea.current) return;
    textarea.current.focus();
    textarea.current.setSelectionRange(check.position, Math.min(check.position + 1, rule.length));
  };

  const error = rule.trim() !== '' && !check.ok ? check : null;
  return (
    <div className={styles.root}>
      <Field
        label="Rule syntax"
        hint={error ? undefined : 'e.g. (device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales")). Values in double quotes; -eq, -startsWith, -contains, -match, -in, -any, -all, -and, -or, -not.'}
        validationState={error ? 'error' : 'none'}
        validationMessage={error ? `Position ${error.position + 1}: ${error.message}` : undefined}
      >
        <Textarea
          ref={textarea}
          textarea={{ className: styles.rule }}
          value={rule}
          rows={4}
          resize="vertical"
          spellCheck={false}
          aria-describedby={error ? locationId : undefined}
          onChange={(_, d) => onChange(d.value)}
        />
      </Field>
      {error && (
        <div>
          <pre className={styles.location} id={locationId} aria-label={`The rule, with the error at position ${error.position + 1} marked`} data-testid="rule-error-location">
            {rule.slice(0, error.position)}
            <mark className={styles.mark}>{rule.slice(error.position, error.position + 1) || ' '}</mark>
            {rule.slice(error.position + 1)}
          </pre>
          <Button appearance="transparent" size="small" onClick={showError}>
            Go to the error
          </Button>
        </div>
      )}
      {rule.trim() !== '' && check.ok && (
        <Text className={styles.ok} role="status">
          The rule is valid.
        </Text>
      )}
      <div className={styles.helpers} role="group" aria-label="Autopilot rules">
        <Button onClick={() => insert(AUTOPILOT_RULES.all)}>All Autopilot devices</Button>
        <div className={styles.helper}>
          <Field label="Group tag" size="small">
            <Input size="small" value={tag} onChange={(_, d) => setTag(d.value)} />
          </Field>
          <Button size="small" disabled={tag.trim() === ''} onClick={() => insert(AUTOPILOT_RULES.groupTag(tag.trim()))}>
            Add group tag rule
          </Button>
        </div>
        <div className={styles.helper}>
          <Field label="Purchase order" size="small">
            <Input size="small" value={po} onChange={(_, d) => setPo(d.value)} />
          </Field>
          <Button size="small" disabled={po.trim() === ''} onClick={() => insert(AUTOPILOT_RULES.purchaseOrder(po.trim()))}>
            Add purchase order rule
          </Button>
        </div>
      </div>
      <section aria-labelledby={`${locationId}-preview`}>
        <h2 className={styles.heading} id={`${locationId}-preview`}>
          Matching devices (preview)
        </h2>
        <div className={styles.helper}>
          <Text>
            {devices.data
              ? `Evaluated in your browser against ${devices.data.more ? `the first ${PREVIEW_LIMIT.toLocaleString()}` : `all ${devices.data.devices.length}`} Entra devices${devices.data.more ? ' (there are more: the saved group covers all of them)' : ''}.`
              : 'Reading the Entra devices…'}
          </Text>
          <Button size="small" icon={<ArrowClockwiseRegular />} onClick={() => void devices.refetch()}>
            Refresh devices
          </Button>
        </div>
        {devices.isLoading && <Spinner size="small" label="Loading devices…" />}
        {devices.error && <ErrorMessage error={devices.error} title="Could not read the devices" />}
        {devices.data && !check.ok && <Text>Fix the rule to see the devices it matches.</Text>}
        {devices.data && check.ok && (
          <>
            <Text role="status" data-testid="preview-count">
              {matches.length === 1 ? '1 device matches' : `${matches.length} devices match`}
            </Text>
            {matches.length > 0 && <DeviceTable label="Matching devices" devices={matches} />}
          </>
        )}
      </section>
    </div>
  );
}

/** Devices with their Autopilot group tag and purchase order. */
export function DeviceTable({ label, devices }: { label: string; devices: GraphDevice[] }) {
  return (
    <Table aria-label={label} size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Name</TableHeaderCell>
          <TableHeaderCell>Group tag</TableHeaderCell>
          <TableHeaderCell>Purchase order</TableHeaderCell>
          <TableHeaderCell>Device ID</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {devices.map((d) => (
          <TableRow key={d.id}>
            <TableCell>{d.displayName}</TableCell>
            <TableCell>{physicalIdValue(d, '[OrderID]')}</TableCell>
            <TableCell>{physicalIdValue(d, '[PurchaseOrderId]')}</TableCell>
            <TableCell>{d.deviceId}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
