// Sync (reference A.5): POST /beta/deviceManagement/windowsAutopilotSettings/sync. One sync per interval: the
// server answers 429 with Retry-After inside it (and 409 while one runs); the button shows the countdown to the next
// allowed sync, from Retry-After or from the last manual trigger, and the last sync time next to it.
import { Caption1, ToolbarButton, Tooltip } from '@fluentui/react-components';
import { ArrowSyncRegular } from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError, graph } from '../api/client';
import { dateLabel, NEVER } from '../lib/devices-api';

const SETTINGS = '/beta/deviceManagement/windowsAutopilotSettings';
/** Graph's documented interval (one sync per 10 minutes); the server's Retry-After overrides it. */
const INTERVAL_SECONDS = 600;

interface AutopilotSettings {
  lastSyncDateTime: string;
  lastManualSyncTriggerDateTime: string;
  syncStatus: 'unknown' | 'inProgress' | 'completed' | 'failed';
}

export function useSyncSettings() {
  return useQuery({ queryKey: ['autopilot-settings'], queryFn: () => graph<AutopilotSettings>(SETTINGS), refetchInterval: (q) => (q.state.data?.syncStatus === 'inProgress' ? 3000 : false) });
}

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function countdown(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** The toolbar's Sync button and a caption with the last sync; messages go to `onMessage`. */
export function DevicesSync({ onMessage }: { onMessage: (intent: 'success' | 'error' | 'info', text: string) => void }) {
  const client = useQueryClient();
  const settings = useSyncSettings();
  const now = useNow();
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const sync = useMutation({
    mutationFn: () => graph<null>(`${SETTINGS}/sync`, { method: 'POST' }),
    onSuccess: () => {
      onMessage('success', 'Sync in progress. Refresh the list in a few minutes to see the changes.');
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 429) {
        setRetryAt(Date.now() + (error.retryAfterSeconds ?? INTERVAL_SECONDS) * 1000);
        onMessage('info', `Sync was run recently: ${error.message}`);
      } else if (error instanceof ApiError && error.status === 409) {
        onMessage('info', `A sync is already running: ${error.message}`);
      } else {
        onMessage('error', error instanceof Error ? error.message : String(error));
      }
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['autopilot-settings'] }),
  });

  // The server's Retry-After is exact; without one, the documented interval after the last manual sync is an estimate
  // (the server's interval is configurable), so it only informs and never disables the button.
  const lastTrigger = settings.data && settings.data.lastManualSyncTriggerDateTime !== NEVER ? Date.parse(settings.data.lastManualSyncTriggerDateTime) : NaN;
  const wait = retryAt === null ? 0 : Math.ceil((retryAt - now) / 1000);
  const estimate = Number.isFinite(lastTrigger) ? Math.ceil((lastTrigger + INTERVAL_SECONDS * 1000 - now) / 1000) : 0;
  const running = settings.data?.syncStatus === 'inProgress';
  const label = sync.isPending ? 'Syncing…' : wait > 0 ? `Sync (${countdown(wait)})` : 'Sync';

  return (
    <>
      <Tooltip
        relationship="description"
        content={
          running
            ? 'A sync is running'
            : wait > 0
              ? `One sync per interval: the next is allowed in ${countdown(wait)}`
              : estimate > 0
                ? `Last manual sync less than ${INTERVAL_SECONDS / 60} minutes ago: the next is likely refused for about ${countdown(estimate)}`
                : 'Sync Autopilot devices'
        }
      >
        <ToolbarButton icon={<ArrowSyncRegular />} disabled={sync.isPending || running || wait > 0} onClick={() => sync.mutate()}>
          {label}
        </ToolbarButton>
      </Tooltip>
      <Caption1 aria-live="polite">
        Last sync: {settings.data ? dateLabel(settings.data.lastSyncDateTime) : '…'}
        {running ? ' (in progress)' : settings.data?.syncStatus === 'failed' ? ' (failed)' : ''}
      </Caption1>
    </>
  );
}
