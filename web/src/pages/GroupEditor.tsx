// New group (/groups/new) and a saved group (/groups/:id): Intune's New Group fields (Group type Security, Group name,
// Group description, Membership type Assigned / Dynamic Device) and, for a dynamic group, the rule editor with its
// live preview. A saved group shows its real members as Graph lists them.
import {
  Button,
  Dropdown,
  Field,
  Input,
  Option,
  Spinner,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular } from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { graph, graphAll } from '../api/client';
import { ErrorMessage } from '../components/ErrorBoundary';
import { DeleteWithConfirmation } from '../components/ProfileGroupDelete';
import { DeviceTable, GroupRuleEditor } from '../components/GroupRuleEditor';
import { DYNAMIC, checkRule, isDynamic, mailNicknameOf, type GraphDevice, type GraphGroup } from '../lib/groups-rules';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '760px' },
  heading: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, margin: `${tokens.spacingVerticalL} 0 0` },
  footer: { display: 'flex', gap: tokens.spacingHorizontalS, paddingTop: tokens.spacingVerticalM, borderTop: `1px solid ${tokens.colorNeutralStroke2}` },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  toolbar: { display: 'flex', marginBottom: tokens.spacingVerticalM, gap: tokens.spacingHorizontalS },
});

export default function GroupEditor({ params }: { params: Record<string, string | undefined> }) {
  const id = params.id;
  const saved = useQuery({ queryKey: ['groups', 'one', id], queryFn: () => graph<GraphGroup>(`/v1.0/groups/${encodeURIComponent(id ?? '')}`), enabled: id !== undefined });
  if (id === undefined) return <Editor saved={null} />;
  if (saved.isLoading) return <Spinner label="Loading the group…" />;
  if (saved.error) return <ErrorMessage error={saved.error} title="Could not load the group" />;
  return saved.data ? <Editor key={saved.data.id} saved={saved.data} /> : null;
}

type Membership = 'assigned' | 'dynamic';

function Editor({ saved }: { saved: GraphGroup | null }) {
  const styles = useStyles();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const [name, setName] = useState(saved?.displayName ?? '');
  const [description, setDescription] = useState(saved?.description ?? '');
  const [membership, setMembership] = useState<Membership>(saved && !isDynamic(saved) ? 'assigned' : 'dynamic');
  const [rule, setRule] = useState(saved?.membershipRule ?? '');
  const [tried, setTried] = useState(false);

  const nameProblem = name.trim() === '' ? 'Group name is required.' : null;
  const ruleCheck = membership === 'dynamic' ? checkRule(rule) : null;
  const ruleProblem = ruleCheck && !ruleCheck.ok ? (rule.trim() === '' ? 'A dynamic group needs a rule.' : `The rule has an error at position ${ruleCheck.position + 1}.`) : null;

  const save = useMutation({
    mutationFn: async () => {
      const dynamic = membership === 'dynamic';
      const fields = {
        displayName: name.trim(),
        description: description.trim() === '' ? null : description.trim(),
        groupTypes: dynamic ? [DYNAMIC] : [],
        ...(dynamic ? { membershipRule: rule.trim(), membershipRuleProcessingState: 'On' } : {}),
      };
      if (saved) {
        await graph(`/v1.0/groups/${encodeURIComponent(saved.id)}`, { method: 'PATCH', body: fields });
        return saved.id;
      }
      const created = await graph<GraphGroup>('/v1.0/groups', {
        method: 'POST',
        body: { ...fields, mailNickname: mailNicknameOf(name), mailEnabled: false, securityEnabled: true },
      });
      return created.id;
    },
    onSuccess: async (id) => {
      await queryClient.invalidateQueries({ queryKey: ['groups'] });
      if (!saved) navigate(`/groups/${id}`);
    },
  });

  const remove = useMutation({
    mutationFn: () => graph(`/v1.0/groups/${encodeURIComponent(saved?.id ?? '')}`, { method: 'DELETE' }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['groups'] });
      navigate('/groups');
    },
  });

  const submit = () => {
    setTried(true);
    if (nameProblem || ruleProblem) return;
    save.mutate();
  };

  return (
    <>
      {saved && (
        <div role="group" aria-label="Group actions" className={styles.toolbar}>
          <DeleteWithConfirmation name={saved.displayName} consequence="Its devices leave the group, and profiles assigned to it no longer reach them." busy={remove.isPending} onDelete={() => remove.mutate()} />
        </div>
      )}
      {remove.error && <ErrorMessage error={remove.error} title="The group was not deleted" />}
      <div className={styles.form}>
        <Field label="Group type" hint="Tarmac's groups are security groups of devices.">
          <Dropdown value="Security" selectedOptions={['security']} disabled>
            <Option value="security">Security</Option>
          </Dropdown>
        </Field>
        <Field label="Group name" required validationState={tried && nameProblem ? 'error' : 'none'} validationMessage={tried ? (nameProblem ?? undefined) : undefined}>
          <Input value={name} maxLength={256} onChange={(_, d) => setName(d.value)} />
        </Field>
        <Field label="Group description">
          <Textarea value={description} maxLength={1024} resize="vertical" onChange={(_, d) => setDescription(d.value)} />
        </Field>
        <Field label="Membership type" hint={membership === 'dynamic' ? 'Devices join and leave as the rule says.' : 'Members are added one by one (Graph members/$ref).'}>
          <Dropdown
            value={membership === 'dynamic' ? 'Dynamic Device' : 'Assigned'}
            selectedOptions={[membership]}
            onOptionSelect={(_, d) => setMembership(d.optionValue === 'assigned' ? 'assigned' : 'dynamic')}
          >
            <Option value="assigned">Assigned</Option>
            <Option value="dynamic">Dynamic Device</Option>
          </Dropdown>
        </Field>
        {membership === 'dynamic' && (
          <section aria-label="Dynamic device members">
            <h2 className={styles.heading}>Dynamic device members</h2>
            <GroupRuleEditor rule={rule} onChange={setRule} />
          </section>
        )}
        {tried && ruleProblem && <Text role="alert">{ruleProblem}</Text>}
        {save.error && <ErrorMessage error={save.error} title={saved ? 'The group was not saved' : 'The group was not created'} />}
        {save.isSuccess && saved && <Text role="status">Saved.</Text>}
        <div className={styles.footer}>
          <Button appearance="primary" disabled={save.isPending} onClick={submit}>
            {save.isPending ? 'Saving…' : saved ? 'Save' : 'Create'}
          </Button>
          <Button appearance="subtle" onClick={() => navigate('/groups')}>
            {saved ? 'Back to groups' : 'Cancel'}
          </Button>
        </div>
        {saved && <Members groupId={saved.id} />}
      </div>
    </>
  );
}

/** The group's members as Graph lists them (after the server evaluated the rule). */
function Members({ groupId }: { groupId: string }) {
  const styles = useStyles();
  const members = useQuery({
    queryKey: ['groups', 'members', groupId],
    queryFn: () => graphAll<GraphDevice>(`/v1.0/groups/${encodeURIComponent(groupId)}/members?$top=999`, 1000),
  });
  return (
    <section aria-labelledby="group-members">
      <div className={styles.row}>
        <h2 className={styles.heading} id="group-members">
          Members
        </h2>
      </div>
      <div className={styles.row}>
        <Text role="status" data-testid="member-count">
          {members.data ? (members.data.length === 1 ? '1 member' : `${members.data.length} members`) : ''}
        </Text>
        <Button size="small" icon={<ArrowClockwiseRegular />} onClick={() => void members.refetch()}>
          Refresh members
        </Button>
      </div>
      {members.isLoading && <Spinner size="small" label="Loading members…" />}
      {members.error && <ErrorMessage error={members.error} title="Could not load the members" />}
      {members.data && members.data.length > 0 && <DeviceTable label="Members" devices={members.data} />}
    </section>
  );
}
