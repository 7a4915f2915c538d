// The partner's invitation link (Partner Center GET /v1/customers/relationshiprequests), read-only with a copy
// button: the partner sends it to a customer, whose admin accepts it on Partner relationships.
import { Button, Field, Input, Spinner, Text } from '@fluentui/react-components';
import { CopyRegular } from '@fluentui/react-icons';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { invitationUrl } from '../lib/partners-api';
import { ErrorMessage } from './ErrorBoundary';
import { usePartnerStyles } from './PartnerStyles';

export function PartnerInvitation() {
  const styles = usePartnerStyles();
  const link = useQuery({ queryKey: ['pc', 'invitation'], queryFn: invitationUrl, staleTime: Infinity });
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    if (!link.data) return;
    try {
      await navigator.clipboard.writeText(link.data);
      setCopied('yes');
    } catch {
      // No clipboard permission (an http origin, a denied prompt): the field stays selectable.
      setCopied('failed');
    }
  };
  return (
    <section className={styles.section} aria-labelledby="invitation-heading">
      <Text as="h2" id="invitation-heading" size={500} weight="semibold">
        Invite a customer
      </Text>
      <Text className={styles.muted}>Send this link to a customer's administrator; once they accept it, the customer appears below.</Text>
      {link.isLoading && <Spinner size="small" label="Loading your invitation link…" />}
      {link.error && <ErrorMessage error={link.error} title="Could not read your invitation link" />}
      {link.data && (
        <div className={styles.row}>
          <Field
            className={styles.grow}
            label="Invitation link"
            validationState={copied === 'yes' ? 'success' : copied === 'failed' ? 'warning' : 'none'}
            validationMessage={copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'The browser refused the clipboard: select the link and copy it.' : undefined}
          >
            <Input readOnly value={link.data} onFocus={(e) => e.currentTarget.select()} />
          </Field>
          <Button icon={<CopyRegular />} onClick={() => void copy()}>
            Copy link
          </Button>
        </div>
      )}
    </section>
  );
}
