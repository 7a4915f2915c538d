// `tarmac sync`: POST /beta/deviceManagement/windowsAutopilotSettings/sync, as the portal's "Sync" button. 204:
// started; 409: a sync is running; 429: the last one was too recent (Retry-After says when the next is allowed).
// Never retried automatically: a 429 here means minutes, not a throttled burst.
import { GraphRequestError, type OnlineOptions } from '../graph-client.js';
import type { ExitCode } from '../command-kit.js';
import { runOnline } from '../online.js';

const SETTINGS = '/beta/deviceManagement/windowsAutopilotSettings';

interface SettingsJson {
  syncStatus?: string;
  lastSyncDateTime?: string;
  lastManualSyncTriggerDateTime?: string;
}

function minutesAndSeconds(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

export async function sync(opts: OnlineOptions & { json?: boolean }): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
    try {
      await client.request('POST', `${SETTINGS}/sync`, { retry: false });
    } catch (err) {
      if (!(err instanceof GraphRequestError) || (err.status !== 409 && err.status !== 429)) throw err;
      const result =
        err.status === 409
          ? { status: 'inProgress', message: 'A sync is already running for this tenant; run `tarmac sync` again once it has finished.' }
          : {
              status: 'tooSoon',
              retryAfterSeconds: err.retryAfterSeconds ?? null,
              message:
                `The last sync was too recent: Autopilot allows one manual sync per interval.` +
                (err.retryAfterSeconds !== undefined ? ` The next is allowed in ${minutesAndSeconds(err.retryAfterSeconds)}.` : ''),
            };
      if (opts.json) out.json({ ...result, detail: err.detail });
      else out.error(`${out.color.yellow(err.status === 409 ? 'busy' : 'too soon')}: ${result.message}`);
      return 1;
    }
    const settings = await client.get<SettingsJson>(SETTINGS);
    if (opts.json) {
      out.json({ status: 'requested', settings: { syncStatus: settings.syncStatus, lastSyncDateTime: settings.lastSyncDateTime, lastManualSyncTriggerDateTime: settings.lastManualSyncTriggerDateTime } });
      return 0;
    }
    out.line(out.color.green('Sync requested.'));
    out.line(`syncStatus: ${settings.syncStatus ?? 'unknown'}; last sync: ${settings.lastSyncDateTime ?? 'never'}`);
    return 0;
  });
}
