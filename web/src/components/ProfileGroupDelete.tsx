// Delete with an inline confirmation, for a profile or a group. Inline rather than Fluent's Dialog: the Dialog
// (even closed) makes Tabster put focusable aria-hidden guards on <body>, which axe-core reports as serious.
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { DeleteRegular } from '@fluentui/react-icons';
import { useState } from 'react';

export function DeleteWithConfirmation({ name, consequence, busy, onDelete }: { name: string; consequence: string; busy: boolean; onDelete: () => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button icon={<DeleteRegular />} onClick={() => setAsking(true)}>
        Delete
      </Button>
    );
  }
  return (
    <MessageBar intent="warning" layout="multiline" role="alertdialog" aria-label={`Delete ${name}?`}>
      <MessageBarBody>
        <MessageBarTitle>Delete {name}?</MessageBarTitle>
        {consequence}
      </MessageBarBody>
      <MessageBarActions>
        <Button
          appearance="primary"
          disabled={busy}
          onClick={() => {
            setAsking(false);
            onDelete();
          }}
        >
          Delete
        </Button>
        <Button onClick={() => setAsking(false)} autoFocus>
          Cancel
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
