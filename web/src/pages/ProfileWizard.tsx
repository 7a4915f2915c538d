// Create profile (/profiles/new) and a saved profile (/profiles/:id) in one wizard, Intune's steps in its order:
// Basics → Out-of-box experience (OOBE) → Assignments → Review + create (Review + save when editing). Saving writes the
// profile, then adds and removes assignments so that they match the Assignments step. Delete is refused by the
// server while the profile is assigned; its message is shown as it is.
import {
  Button,
  MessageBar,
  MessageBarBody,
  Spinner,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { graph, graphAll } from '../api/client';
import { ErrorMessage } from '../components/ErrorBoundary';
import { DeleteWithConfirmation } from '../components/ProfileGroupDelete';
import { AssignmentsStep, BasicsStep, OobeStep, ReviewStep } from '../components/ProfileWizardSteps';
import type { GraphGroup } from '../lib/groups-rules';
import {
  PROFILES_PATH,
  assignmentFormOf,
  basicsProblem,
  bodyOf,
  formOf,
  newProfileForm,
  oobeProblem,
  targetKey,
  targetsOf,
  type AssignmentForm,
  type GraphAssignment,
  type GraphProfile,
  type ProfileForm,
} from '../lib/profiles-model';

const useStyles = makeStyles({
  steps: { display: 'flex', gap: tokens.spacingHorizontalS, listStyle: 'none', padding: 0, margin: `0 0 ${tokens.spacingVerticalL}`, flexWrap: 'wrap' },
  step: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    borderBottom: `3px solid transparent`,
    color: tokens.colorNeutralForeground2,
    background: 'none',
    border: 'none',
    font: 'inherit',
    cursor: 'pointer',
  },
  current: { color: tokens.colorNeutralForeground1, fontWeight: tokens.fontWeightSemibold, boxShadow: `inset 0 -3px 0 ${tokens.colorBrandForeground1}` },
  number: {
    display: 'inline-flex',
    width: '22px',
    height: '22px',
    borderRadius: tokens.borderRadiusCircular,
    alignItems: 'center',
    justifyContent: 'center',
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    fontSize: tokens.fontSizeBase200,
  },
  footer: { display: 'flex', gap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalXXL, paddingTop: tokens.spacingVerticalM, borderTop: `1px solid ${tokens.colorNeutralStroke2}` },
  toolbar: { display: 'flex', marginBottom: tokens.spacingVerticalM, gap: tokens.spacingHorizontalS },
  message: { marginBottom: tokens.spacingVerticalM },
});

const STEPS = ['Basics', 'Out-of-box experience (OOBE)', 'Assignments'] as const;

interface Saved {
  profile: GraphProfile;
  assignments: GraphAssignment[];
}

async function loadProfile(id: string): Promise<Saved> {
  const path = `${PROFILES_PATH}/${encodeURIComponent(id)}`;
  const [profile, assignments] = await Promise.all([graph<GraphProfile>(path), graph<{ value: GraphAssignment[] }>(`${path}/assignments`)]);
  return { profile, assignments: assignments.value };
}

export default function ProfileWizard({ params }: { params: Record<string, string | undefined> }) {
  const id = params.id;
  const saved = useQuery({ queryKey: ['profiles', 'one', id], queryFn: () => loadProfile(id ?? ''), enabled: id !== undefined });
  if (id === undefined) return <Wizard saved={null} />;
  if (saved.isLoading) return <Spinner label="Loading the profile…" />;
  if (saved.error) return <ErrorMessage error={saved.error} title="Could not load the profile" />;
  return saved.data ? <Wizard key={saved.dataUpdatedAt} saved={saved.data} /> : null;
}

function Wizard({ saved }: { saved: Saved | null }) {
  const styles = useStyles();
  const [, navigate] = useLocation();
  const search = new URLSearchParams(useSearch());
  const queryClient = useQueryClient();
  const [form, setForm] = useState<ProfileForm>(() => (saved ? formOf(saved.profile) : newProfileForm(search.get('deviceType') === 'holoLens' ? 'holoLens' : 'windowsPc')));
  const [assignments, setAssignments] = useState<AssignmentForm>(() => (saved ? assignmentFormOf(saved.assignments) : { allDevices: false, included: [], excluded: [] }));
  const [step, setStep] = useState(0);
  const [tried, setTried] = useState(false);
  /** The profile's id once it exists (a create whose assignments failed is saved again with PATCH). */
  const [profileId, setProfileId] = useState<string | null>(saved?.profile.id ?? null);
  const groups = useQuery({ queryKey: ['groups', 'all'], queryFn: () => graphAll<GraphGroup>('/v1.0/groups?$top=999&$select=id,displayName,groupTypes,membershipRule') });
  const set = (patch: Partial<ProfileForm>) => setForm((f) => ({ ...f, ...patch }));
  const editing = saved !== null;
  const reviewTitle = editing ? 'Review + save' : 'Review + create';
  const titles = [...STEPS, reviewTitle];
  const problems = [basicsProblem(form), oobeProblem(form), null, null];
  const firstProblem = problems.findIndex((p) => p !== null);

  useEffect(() => {
    setTried(false);
  }, [step]);

  const save = useMutation({
    mutationFn: async () => {
      let id = profileId;
      if (id === null) {
        const created = await graph<GraphProfile>(PROFILES_PATH, { method: 'POST', body: bodyOf(form, true) });
        id = created.id;
        setProfileId(id);
      } else {
        await graph(`${PROFILES_PATH}/${encodeURIComponent(id)}`, { method: 'PATCH', body: bodyOf(form, false) });
      }
      const base = `${PROFILES_PATH}/${encodeURIComponent(id)}/assignments`;
      const current = await graph<{ value: GraphAssignment[] }>(base);
      const wanted = targetsOf(assignments);
      const have = new Map(current.value.map((a) => [targetKey(a.target), a]));
      // Removals first: an exclusion that becomes an inclusion (or back) is the same group under another target.
      for (const [key, a] of have) if (!wanted.has(key)) await graph(`${base}/${encodeURIComponent(a.id)}`, { method: 'DELETE' });
      for (const [key, target] of wanted) if (!have.has(key)) await graph(base, { method: 'POST', body: { target } });
      return id;
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['profiles'] });
      navigate('/profiles');
    },
  });

  const remove = useMutation({
    mutationFn: () => graph(`${PROFILES_PATH}/${encodeURIComponent(profileId ?? '')}`, { method: 'DELETE' }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['profiles'] });
      navigate('/profiles');
    },
  });

  const next = () => {
    if (problems[step] !== null) {
      setTried(true);
      return;
    }
    setStep((s) => Math.min(s + 1, titles.length - 1));
  };

  return (
    <>
      {editing && (
        <div role="group" aria-label="Profile actions" className={styles.toolbar}>
          <DeleteWithConfirmation name={saved.profile.displayName} consequence="The profile is deleted for good. A profile that is assigned to groups cannot be deleted." busy={remove.isPending} onDelete={() => remove.mutate()} />
        </div>
      )}
      {remove.error && (
        <div className={styles.message}>
          <ErrorMessage error={remove.error} title="The profile was not deleted" />
        </div>
      )}
      <nav aria-label="Wizard steps">
        <ol className={styles.steps}>
          {titles.map((title, i) => (
            <li key={title}>
              <button
                type="button"
                className={mergeClasses(styles.step, i === step && styles.current)}
                aria-current={i === step ? 'step' : undefined}
                // Steps after the first one with a problem cannot be reached yet.
                disabled={firstProblem !== -1 && i > firstProblem}
                onClick={() => setStep(i)}
              >
                <span className={styles.number} aria-hidden>
                  {i + 1}
                </span>
                {title}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <section aria-label={titles[step]}>
        {step === 0 && <BasicsStep form={form} set={set} problem={tried ? problems[0] : null} />}
        {step === 1 && <OobeStep form={form} set={set} problem={tried ? problems[1] : null} />}
        {step === 2 && (groups.error ? <ErrorMessage error={groups.error} title="Could not load the groups" /> : groups.data ? <AssignmentsStep value={assignments} onChange={setAssignments} groups={groups.data} /> : <Spinner label="Loading groups…" />)}
        {step === 3 && <ReviewStep form={form} assignments={assignments} groups={groups.data ?? []} />}
      </section>
      {save.error && (
        <div className={styles.message} style={{ marginTop: tokens.spacingVerticalL }}>
          <ErrorMessage error={save.error} title={profileId && !editing ? 'The profile was created, but its assignments were not saved' : 'The profile was not saved'} />
        </div>
      )}
      {tried && problems[step] && (
        <MessageBar intent="error" style={{ marginTop: tokens.spacingVerticalL }}>
          <MessageBarBody>{problems[step]}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.footer}>
        {step > 0 && <Button onClick={() => setStep(step - 1)}>Previous</Button>}
        {step < titles.length - 1 ? (
          <Button appearance="primary" onClick={next}>
            Next
          </Button>
        ) : (
          <Button appearance="primary" disabled={save.isPending || firstProblem !== -1} onClick={() => save.mutate()}>
            {save.isPending ? 'Saving…' : editing ? 'Save' : 'Create'}
          </Button>
        )}
        <Button appearance="subtle" onClick={() => navigate('/profiles')}>
          Cancel
        </Button>
      </div>
    </>
  );
}
