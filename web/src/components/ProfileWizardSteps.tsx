// The deployment profile wizard's steps, in Intune's order and with its labels (A.7): Basics, Out-of-box experience
// (OOBE) with the per-mode greying and the device name template's live example, Assignments, Review + create.
import {
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Option,
  Radio,
  RadioGroup,
  Checkbox,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState, type ReactNode } from 'react';
import type { GraphGroup } from '../lib/groups-rules';
import {
  JOIN_TYPE_LABEL,
  LOCALES,
  MODE_LABEL,
  SAMPLE_SERIAL,
  effectiveForm,
  exampleName,
  validateDeviceNameTemplate,
  type AssignmentForm,
  type DeploymentMode,
  type JoinType,
  type ProfileForm,
} from '../lib/profiles-model';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '640px' },
  example: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase400,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
  },
  review: { display: 'grid', gridTemplateColumns: 'minmax(200px, max-content) 1fr', gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalXL}`, margin: 0 },
  term: { color: tokens.colorNeutralForeground2 },
  fieldset: { border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, padding: tokens.spacingHorizontalM, margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: `0 ${tokens.spacingHorizontalXS}` },
  checks: { display: 'flex', flexDirection: 'column', maxHeight: '240px', overflowY: 'auto' },
  detail: { margin: 0 },
  section: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, margin: `0 0 ${tokens.spacingVerticalS}` },
});

type Set = (patch: Partial<ProfileForm>) => void;

/** A two-choice radio group (Show/Hide, Yes/No) bound to a boolean. */
function Choice(props: { label: string; hint?: string; value: boolean; onChange: (v: boolean) => void; yes: string; no: string; disabled?: boolean; yesFirst?: boolean }) {
  const options = props.yesFirst === false ? [props.no, props.yes] : [props.yes, props.no];
  return (
    <Field label={props.label} hint={props.hint}>
      <RadioGroup layout="horizontal" value={props.value ? props.yes : props.no} onChange={(_, d) => props.onChange(d.value === props.yes)} disabled={props.disabled}>
        {options.map((o) => (
          <Radio key={o} value={o} label={o} />
        ))}
      </RadioGroup>
    </Field>
  );
}

export function BasicsStep({ form, set, problem }: { form: ProfileForm; set: Set; problem: string | null }) {
  const styles = useStyles();
  return (
    <div className={styles.form}>
      <Field label="Name" required validationMessage={problem ?? undefined} validationState={problem ? 'error' : 'none'}>
        <Input value={form.displayName} maxLength={200} onChange={(_, d) => set({ displayName: d.value })} />
      </Field>
      <Field label="Description">
        <Textarea value={form.description} maxLength={1500} resize="vertical" onChange={(_, d) => set({ description: d.value })} />
      </Field>
      <Choice
        label="Convert all targeted devices to Autopilot"
        hint="Registers the corporate-owned devices of the assigned groups that are not Autopilot devices yet (allow 48 hours). Turning it off does not deregister them."
        value={form.convertAllTargeted}
        onChange={(v) => set({ convertAllTargeted: v })}
        yes="Yes"
        no="No"
        yesFirst={false}
      />
      {form.deviceType !== 'windowsPc' && <Text>Device type: {form.deviceType}</Text>}
    </div>
  );
}

export function OobeStep({ form, set, problem }: { form: ProfileForm; set: Set; problem: string | null }) {
  const styles = useStyles();
  const f = effectiveForm(form);
  const selfDeploying = f.mode === 'selfDeploying';
  const hybrid = f.joinType === 'activeDirectory';
  const greyedBySelfDeploying = selfDeploying ? 'Set by the self-deploying mode.' : undefined;
  const templateError = f.applyNameTemplate && f.deviceNameTemplate !== '' ? validateDeviceNameTemplate(f.deviceNameTemplate) : null;
  const example = f.applyNameTemplate ? exampleName(f.deviceNameTemplate) : null;
  const localeLabel = LOCALES.find((l) => l.value === f.locale)?.label ?? f.locale;
  return (
    <div className={styles.form}>
      <Field label="Deployment mode" hint={selfDeploying ? 'No user credentials; only device-targeted settings apply.' : 'The device is tied to the user who enrolls it.'}>
        <Dropdown value={MODE_LABEL[f.mode]} selectedOptions={[f.mode]} onOptionSelect={(_, d) => set({ mode: d.optionValue as DeploymentMode })}>
          <Option value="userDriven">{MODE_LABEL.userDriven}</Option>
          <Option value="selfDeploying">{MODE_LABEL.selfDeploying}</Option>
        </Dropdown>
      </Field>
      <Field label="Join to Microsoft Entra ID as" hint={greyedBySelfDeploying}>
        <Dropdown value={JOIN_TYPE_LABEL[f.joinType]} selectedOptions={[f.joinType]} disabled={selfDeploying} onOptionSelect={(_, d) => set({ joinType: d.optionValue as JoinType })}>
          <Option value="azureAD">{JOIN_TYPE_LABEL.azureAD}</Option>
          <Option value="activeDirectory">{JOIN_TYPE_LABEL.activeDirectory}</Option>
        </Dropdown>
      </Field>
      {hybrid && (
        <Choice
          label="Skip AD connectivity check"
          hint="Yes for devices that reach the domain over VPN or are off-premises."
          value={f.skipConnectivityCheck}
          onChange={(v) => set({ skipConnectivityCheck: v })}
          yes="Yes"
          no="No"
          yesFirst={false}
        />
      )}
      <Choice label="Microsoft Software License Terms" hint={greyedBySelfDeploying} value={f.eulaHidden} onChange={(v) => set({ eulaHidden: v })} yes="Hide" no="Show" yesFirst={false} disabled={selfDeploying} />
      <Choice
        label="Privacy settings"
        hint={greyedBySelfDeploying ?? 'Diagnostic data defaults to Full during OOBE.'}
        value={f.privacySettingsHidden}
        onChange={(v) => set({ privacySettingsHidden: v })}
        yes="Hide"
        no="Show"
        yesFirst={false}
        disabled={selfDeploying}
      />
      <Choice
        label="Hide change account options"
        hint={greyedBySelfDeploying ?? 'Needs company branding in Microsoft Entra ID.'}
        value={f.escapeLinkHidden}
        onChange={(v) => set({ escapeLinkHidden: v })}
        yes="Hide"
        no="Show"
        yesFirst={false}
        disabled={selfDeploying}
      />
      <Field label="User account type" hint={greyedBySelfDeploying ?? 'Administrator adds the user to the local Administrators group.'}>
        <Dropdown
          value={f.userType === 'administrator' ? 'Administrator' : 'Standard'}
          selectedOptions={[f.userType]}
          disabled={selfDeploying}
          onOptionSelect={(_, d) => set({ userType: d.optionValue as ProfileForm['userType'] })}
        >
          <Option value="administrator">Administrator</Option>
          <Option value="standard">Standard</Option>
        </Dropdown>
      </Field>
      <Choice
        label="Allow pre-provisioned deployment"
        hint="With No, pressing the Windows key five times still starts pre-provisioning, which then fails with 0x80180005."
        value={f.preprovisioningAllowed}
        onChange={(v) => set({ preprovisioningAllowed: v })}
        yes="Yes"
        no="No"
        yesFirst={false}
      />
      <Field label="Language (Region)">
        <Dropdown value={localeLabel} selectedOptions={[f.locale]} onOptionSelect={(_, d) => set({ locale: d.optionValue ?? 'os-default' })}>
          {LOCALES.map((l) => (
            <Option key={l.value} value={l.value}>
              {l.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Choice
        label="Automatically configure keyboard"
        hint={f.locale === 'os-default' ? 'Takes effect once a language is chosen.' : 'Yes skips the keyboard page (needs Ethernet during OOBE).'}
        value={f.keyboardSelectionPageSkipped}
        onChange={(v) => set({ keyboardSelectionPageSkipped: v })}
        yes="Yes"
        no="No"
        yesFirst={false}
      />
      <Choice
        label="Apply device name template"
        hint={hybrid ? 'Hybrid-joined devices are named by the domain join profile.' : 'Microsoft Entra joined devices only.'}
        value={f.applyNameTemplate}
        onChange={(v) => set({ applyNameTemplate: v })}
        yes="Yes"
        no="No"
        yesFirst={false}
        disabled={hybrid}
      />
      {f.applyNameTemplate && (
        <>
          <Field
            label="Enter a name"
            required
            hint="At most 15 characters, letters, digits and hyphens, not only digits. Macros: %SERIAL% (the serial number) or %RAND:x% (x random digits)."
            validationState={templateError || problem ? 'error' : 'none'}
            validationMessage={templateError ?? problem ?? undefined}
          >
            <Input value={form.deviceNameTemplate} onChange={(_, d) => set({ deviceNameTemplate: d.value })} />
          </Field>
          <Field label={`Example (serial number ${SAMPLE_SERIAL})`}>
            <output className={styles.example} aria-live="polite" data-testid="name-example">
              {example ?? '—'}
            </output>
          </Field>
        </>
      )}
    </div>
  );
}

export function AssignmentsStep({ value, onChange, groups }: { value: AssignmentForm; onChange: (v: AssignmentForm) => void; groups: GraphGroup[] }) {
  const styles = useStyles();
  const nameOf = (id: string) => groups.find((g) => g.id === id)?.displayName ?? id;
  const picker = (label: string, selected: string[], others: string[], set: (ids: string[]) => void, hint?: string) => (
    <GroupPicker label={label} hint={hint} groups={groups.filter((g) => !others.includes(g.id))} selected={selected} onChange={set} nameOf={nameOf} />
  );
  return (
    <div className={styles.form}>
      <Field label="Assign to">
        <RadioGroup layout="horizontal" value={value.allDevices ? 'all' : 'groups'} onChange={(_, d) => onChange({ ...value, allDevices: d.value === 'all' })}>
          <Radio value="groups" label="Selected groups" />
          <Radio value="all" label="All devices" />
        </RadioGroup>
      </Field>
      {!value.allDevices && picker('Included groups', value.included, value.excluded, (ids) => onChange({ ...value, included: ids }))}
      {picker(
        'Excluded groups',
        value.excluded,
        value.allDevices ? [] : value.included,
        (ids) => onChange({ ...value, excluded: ids }),
        'Devices in an excluded group never get this profile, even when they are in an included group.',
      )}
      {value.allDevices && value.excluded.length > 0 && (
        <MessageBar intent="warning">
          <MessageBarBody>Intune does not support exclusions with All devices and may fail to assign the profile.</MessageBarBody>
        </MessageBar>
      )}
      {groups.length === 0 && <Text>There are no groups yet: create one under Groups.</Text>}
    </div>
  );
}

export function ReviewStep({ form, assignments, groups }: { form: ProfileForm; assignments: AssignmentForm; groups: GraphGroup[] }) {
  const styles = useStyles();
  const f = effectiveForm(form);
  const nameOf = (id: string) => groups.find((g) => g.id === id)?.displayName ?? id;
  const showHide = (hidden: boolean) => (hidden ? 'Hide' : 'Show');
  const yesNo = (v: boolean) => (v ? 'Yes' : 'No');
  const rows: [string, ReactNode][] = [
    ['Name', f.displayName],
    ['Description', f.description || '—'],
    ['Convert all targeted devices to Autopilot', yesNo(f.convertAllTargeted)],
    ['Device type', f.deviceType === 'holoLens' ? 'HoloLens' : 'Windows PC'],
  ];
  const oobe: [string, ReactNode][] = [
    ['Deployment mode', MODE_LABEL[f.mode]],
    ['Join to Microsoft Entra ID as', JOIN_TYPE_LABEL[f.joinType]],
    ...(f.joinType === 'activeDirectory' ? ([['Skip AD connectivity check', yesNo(f.skipConnectivityCheck)]] as [string, ReactNode][]) : []),
    ['Microsoft Software License Terms', showHide(f.eulaHidden)],
    ['Privacy settings', showHide(f.privacySettingsHidden)],
    ['Hide change account options', showHide(f.escapeLinkHidden)],
    ['User account type', f.userType === 'administrator' ? 'Administrator' : 'Standard'],
    ['Allow pre-provisioned deployment', yesNo(f.preprovisioningAllowed)],
    ['Language (Region)', LOCALES.find((l) => l.value === f.locale)?.label ?? f.locale],
    ['Automatically configure keyboard', yesNo(f.keyboardSelectionPageSkipped)],
    ['Apply device name template', f.applyNameTemplate ? `${f.deviceNameTemplate} (e.g. ${exampleName(f.deviceNameTemplate) ?? '—'})` : 'No'],
  ];
  const assign: [string, ReactNode][] = [
    ['Included groups', assignments.allDevices ? 'All devices' : assignments.included.map(nameOf).join(', ') || 'None'],
    ['Excluded groups', assignments.excluded.map(nameOf).join(', ') || 'None'],
  ];
  const section = (title: string, items: [string, ReactNode][]) => (
    <section aria-label={title}>
      <h3 className={styles.section}>{title}</h3>
      <dl className={styles.review}>
        {items.map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt className={styles.term}>{k}</dt>
            <dd className={styles.detail}>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
  return (
    <div className={styles.form}>
      {section('Basics', rows)}
      {section('Out-of-box experience (OOBE)', oobe)}
      {section('Assignments', assign)}
    </div>
  );
}

/** Groups to include or exclude: a filter box and a checkbox per group (Intune's "Select groups" pane, inline). */
function GroupPicker(props: { label: string; hint?: string; groups: GraphGroup[]; selected: string[]; onChange: (ids: string[]) => void; nameOf: (id: string) => string }) {
  const styles = useStyles();
  const [filter, setFilter] = useState('');
  const shown = props.groups.filter((g) => g.displayName.toLowerCase().includes(filter.trim().toLowerCase()));
  return (
    <fieldset className={styles.fieldset}>
      <legend className={styles.legend}>{props.label}</legend>
      {props.hint && <Text size={200}>{props.hint}</Text>}
      {props.groups.length > 8 && (
        <Field label={`Search ${props.label.toLowerCase()}`} size="small">
          <Input size="small" value={filter} onChange={(_, d) => setFilter(d.value)} />
        </Field>
      )}
      <div className={styles.checks}>
        {shown.map((g) => (
          <Checkbox
            key={g.id}
            label={g.displayName}
            checked={props.selected.includes(g.id)}
            onChange={(_, d) => props.onChange(d.checked === true ? [...props.selected, g.id] : props.selected.filter((id) => id !== g.id))}
          />
        ))}
        {shown.length === 0 && <Text size={200}>No group matches.</Text>}
      </div>
      {props.selected.length > 0 && <Text size={200}>Selected: {props.selected.map(props.nameOf).join(', ')}</Text>}
    </fieldset>
  );
}
