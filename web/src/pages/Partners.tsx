// Partner relationships (a customer's view): the partners (CSP) and OEMs the organization accepted, accepting an
// invitation (the link or code a partner sent), and revoking one with a confirmation. Tarmac's own API
// (/tarmac/v1.0/partnerRelationships): Microsoft's customers accept in the Microsoft 365 admin center.
import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../components/ErrorBoundary';
import { acceptInvitation, formatDate, listRelationships, revokeRelationship, type PartnerRelationship } from '../lib/partners-api';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, marginBottom: tokens.spacingVerticalXXL, maxWidth: '1100px' },
  form: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  field: { flexGrow: 1, minWidth: '320px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

const KEY = ['partnerRelationships'];

export default function Partners(_props: { params: Record<string, string | undefined> }) {
  const styles = useStyles();
  const relationships = useQuery({ queryKey: KEY, queryFn: listRelationships });
  const [revoking, setRevoking] = useState<PartnerRelationship | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <>
      <section className={styles.section} aria-labelledby="accept-heading">
        <Text as="h2" id="accept-heading" size={500} weight="semibold">
          Accept an invitation
        </Text>
        <Text className={styles.muted}>
          A partner (CSP) or an OEM sends an invitation link, or its tenant id as a code. Accepting lets it register Windows Autopilot devices for your
          organization; devices it registers stay registered if you revoke it later.
        </Text>
        <AcceptForm onAccepted={(r) => setNotice(`You accepted ${r.partnerDisplayName} (${r.partnerDomain}) as ${r.kind === 'oem' ? 'an OEM' : 'a reseller (CSP)'}.`)} />
        {notice && (
          <MessageBar intent="success">
            <MessageBarBody>{notice}</MessageBarBody>
          </MessageBar>
        )}
      </section>

      <section className={styles.section} aria-labelledby="list-heading">
        <Text as="h2" id="list-heading" size={500} weight="semibold">
          Partners and OEMs
        </Text>
        {relationships.isLoading && <Spinner label="Loading relationships…" />}
        {relationships.error && <ErrorMessage error={relationships.error} title="Could not read the relationships" />}
        {relationships.data && relationships.data.length === 0 && <Text>Your organization has no partner or OEM relationships.</Text>}
        {relationships.data && relationships.data.length > 0 && (
          <Table aria-label="Partners and OEMs" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell>Domain</TableHeaderCell>
                <TableHeaderCell>Relationship</TableHeaderCell>
                <TableHeaderCell>Delegated admin</TableHeaderCell>
                <TableHeaderCell>Accepted</TableHeaderCell>
                <TableHeaderCell>Actions</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {relationships.data.map((r) => (
                <TableRow key={r.partnerTenantId}>
                  <TableCell>{r.partnerDisplayName}</TableCell>
                  <TableCell>{r.partnerDomain}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={r.kind === 'oem' ? 'informative' : 'brand'}>
                      {kindText(r.kind)}
                    </Badge>
                  </TableCell>
                  <TableCell>{r.delegatedAdmin ? 'Requested' : 'No'}</TableCell>
                  <TableCell>{formatDate(r.acceptedDateTime)}</TableCell>
                  <TableCell>
                    <Button size="small" onClick={() => setRevoking(r)} aria-label={`Revoke ${r.partnerDisplayName}`}>
                      Revoke
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </section>

      {revoking && (
        <RevokeDialog
          relationship={revoking}
          onClose={(revoked) => {
            setRevoking(null);
            if (revoked) setNotice(`You revoked ${revoked.partnerDisplayName} (${revoked.partnerDomain}).`);
          }}
        />
      )}
    </>
  );
}

function kindText(kind: PartnerRelationship['kind']): string {
  return kind === 'oem' ? 'OEM' : 'Reseller (CSP)';
}

function AcceptForm({ onAccepted }: { onAccepted: (r: PartnerRelationship) => void }) {
  const styles = useStyles();
  const client = useQueryClient();
  const [invitation, setInvitation] = useState('');
  const accept = useMutation({
    mutationFn: (text: string) => acceptInvitation(text),
    onSuccess: async (r) => {
      setInvitation('');
      onAccepted(r);
      await client.invalidateQueries({ queryKey: KEY });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (invitation.trim() !== '') accept.mutate(invitation.trim());
  };
  return (
    <>
      <form className={styles.form} onSubmit={submit}>
        <Field className={styles.field} label="Invitation link or code" hint="For example https://…/partner-invitation?invType=ResellerRelationship&partnerId=…">
          <Input value={invitation} onChange={(_e, d) => setInvitation(d.value)} />
        </Field>
        <Button type="submit" appearance="primary" disabled={invitation.trim() === '' || accept.isPending}>
          {accept.isPending ? 'Accepting…' : 'Accept'}
        </Button>
      </form>
      {accept.error && <ErrorMessage error={accept.error} title="The invitation was not accepted" />}
    </>
  );
}

function RevokeDialog({ relationship, onClose }: { relationship: PartnerRelationship; onClose: (revoked: PartnerRelationship | null) => void }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => revokeRelationship(relationship.partnerTenantId),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: KEY });
      onClose(relationship);
    },
  });
  return (
    <Dialog open modalType="alert" onOpenChange={(_e, d) => !d.open && onClose(null)}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Revoke {relationship.partnerDisplayName}?</DialogTitle>
          <DialogContent>
            <Text as="p">
              {relationship.partnerDisplayName} ({relationship.partnerDomain}) will no longer be able to register or manage devices for your organization from its
              next call on. Devices it already registered stay registered.
            </Text>
            {revoke.error && <ErrorMessage error={revoke.error} title="The relationship was not revoked" />}
          </DialogContent>
          <DialogActions>
            <Button appearance="secondary" onClick={() => onClose(null)}>
              Cancel
            </Button>
            <Button appearance="primary" onClick={() => revoke.mutate()} disabled={revoke.isPending}>
              {revoke.isPending ? 'Revoking…' : 'Revoke'}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
