// The page before sign-in: the user's sign-in name tells which organization (tenant) to sign in to, as Entra's
// first page does; the password is asked on the organization's own sign-in page (Tarmac's authorize endpoint).
// It also says why the user is here: signed out, or the session expired.
import { Button, Card, Field, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, Title2, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { startSignIn } from '../auth/session';

const useStyles = makeStyles({
  page: { display: 'flex', justifyContent: 'center', alignItems: 'flex-start', paddingTop: '12vh', minHeight: '100vh', boxSizing: 'border-box' },
  card: { width: '440px', padding: tokens.spacingHorizontalXXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
});

export function SignIn({ reason, lastUser, error }: { reason?: 'signedOut' | 'expired' | undefined; lastUser?: string | undefined; error: string | null }) {
  const styles = useStyles();
  const [name, setName] = useState(lastUser ?? '');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await startSignIn(name, window.location.pathname === '/' ? '/' : window.location.pathname);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <main className={styles.page}>
      <Card className={styles.card}>
        <Title2 as="h1">{reason === 'expired' ? 'Your session has expired' : 'Sign in to Tarmac'}</Title2>
        {reason === 'expired' && (
          <MessageBar intent="warning" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>Session expired</MessageBarTitle>
              Your sign-in could not be renewed (a console sign-in lasts 24 hours, or it was revoked). Nothing you saved was lost; sign in again to continue.
            </MessageBarBody>
          </MessageBar>
        )}
        {reason === 'signedOut' && (
          <MessageBar intent="success">
            <MessageBarBody>You signed out. The console has forgotten your tokens in this tab.</MessageBarBody>
          </MessageBar>
        )}
        {problem !== null && (
          <MessageBar intent="error" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>Sign-in failed</MessageBarTitle>
              {problem}
            </MessageBarBody>
          </MessageBar>
        )}
        <form onSubmit={submit} style={{ display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL }}>
          <Field label="Sign-in name" hint="Your account, for example admin@contoso.onmicrosoft.com, or your organization's domain." required>
            <Input type="text" autoComplete="username" value={name} onChange={(_, d) => setName(d.value)} autoFocus />
          </Field>
          <Button appearance="primary" type="submit" disabled={busy || name.trim() === ''}>
            {busy ? 'Redirecting…' : 'Next'}
          </Button>
        </form>
        <Text size={200}>
          Tarmac — Windows Autopilot device registration. Accounts are created with <code>tarmac user create</code>.
        </Text>
      </Card>
    </main>
  );
}
