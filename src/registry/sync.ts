// windowsAutopilotSettings and its `sync` action. Tarmac's registry is its own Device Directory Service, so a sync
// is "finish processing this tenant's pending imports": it is in progress while the tenant has unprocessed rows and
// completes when the worker has settled them. A manual sync within the interval (default 10 minutes) is refused
// with 429 and Retry-After; one while another runs with 409, as Intune does.
import { RegistryError } from './errors.js';
import type { AutopilotSettings } from './ports.js';
import type { Store } from '../ports.js';

export const DEFAULT_SYNC_INTERVAL_SECONDS = 600;

export async function getAutopilotSettings(store: Store, tenantId: string): Promise<AutopilotSettings> {
  return (await store.settings.get(tenantId)) ?? { tenantId, syncStatus: 'unknown', lastSyncAt: null, lastManualSyncTriggerAt: null };
}

export async function requestSync(store: Store, tenantId: string, now: Date, intervalSeconds: number): Promise<void> {
  await store.transaction(async (tx) => {
    const settings = await tx.settings.lock(tenantId);
    if (settings.syncStatus === 'inProgress') {
      throw new RegistryError('SyncInProgress', 'A sync is already in progress for this tenant; wait for syncStatus to become completed.');
    }
    if (settings.lastManualSyncTriggerAt !== null) {
      const elapsed = (now.getTime() - Date.parse(settings.lastManualSyncTriggerAt)) / 1000;
      if (elapsed < intervalSeconds) {
        const wait = Math.max(1, Math.ceil(intervalSeconds - elapsed));
        throw new RegistryError(
          'SyncTooSoon',
          `The last sync was requested ${Math.floor(elapsed)} s ago; a sync may be requested once every ${intervalSeconds} s. Retry in ${wait} s.`,
          wait,
        );
      }
    }
    await tx.settings.save({ ...settings, syncStatus: 'inProgress', lastManualSyncTriggerAt: now.toISOString() });
  });
  await completeSyncs(store, now);
}

/** Completes the syncs of tenants that have nothing left to process. */
export async function completeSyncs(store: Store, now: Date): Promise<void> {
  const tenants = await store.settings.inProgress();
  for (const tenantId of tenants) {
    await store.transaction(async (tx) => {
      if ((await tx.imports.countUnprocessed(tenantId)) > 0) return;
      const settings = await tx.settings.lock(tenantId);
      if (settings.syncStatus !== 'inProgress') return;
      await tx.settings.save({ ...settings, syncStatus: 'completed', lastSyncAt: now.toISOString() });
    });
  }
}
