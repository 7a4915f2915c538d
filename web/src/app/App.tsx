// The console: Fluent's provider (theme), the sign-in gate, and the shell around the routed pages.
import { FluentProvider, Spinner } from '@fluentui/react-components';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { completeSignIn, getAuthState, subscribe } from '../auth/session';
import { ApiError } from '../api/client';
import { SignIn } from '../pages/SignIn';
import { Shell } from './Shell';
import { themeOf, useThemeName } from './theme';

// Once per page load (not per render: React's strict mode runs effects twice in development).
const signInCompletion = completeSignIn(new URL(window.location.href));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not get better by asking again; a network hiccup might.
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

export function App() {
  const [themeName] = useThemeName();
  return (
    <FluentProvider theme={themeOf(themeName)} style={{ minHeight: '100vh' }}>
      <QueryClientProvider client={queryClient}>
        <Gate />
      </QueryClientProvider>
    </FluentProvider>
  );
}

function Gate() {
  const auth = useSyncExternalStore(subscribe, getAuthState);
  const [redirect, setRedirect] = useState<{ busy: boolean; error: string | null }>({ busy: true, error: null });

  useEffect(() => {
    signInCompletion
      .then((returnTo) => {
        if (returnTo !== null) window.history.replaceState(null, '', returnTo);
        setRedirect({ busy: false, error: null });
      })
      .catch((err: unknown) => {
        window.history.replaceState(null, '', '/');
        setRedirect({ busy: false, error: err instanceof Error ? err.message : String(err) });
      });
  }, []);

  useEffect(() => {
    if (auth.status === 'signedOut') queryClient.clear();
  }, [auth.status]);

  if (redirect.busy) return <Spinner label="Signing in…" style={{ marginTop: '20vh' }} />;
  if (auth.status === 'signedOut') return <SignIn reason={auth.reason} lastUser={auth.lastUser} error={redirect.error} />;
  return <Shell account={auth.account} />;
}
