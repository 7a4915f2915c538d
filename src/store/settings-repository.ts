// windowsAutopilotSettings (SettingsRepository, src/registry/ports.ts): one row a tenant, locked while a sync starts.
import type { AutopilotSettings, SettingsRepository, SyncStatus } from '../registry/ports.js';
import type { Engine } from './engine.js';
import type { Executor } from './executor.js';

export class KyselySettingsRepository implements SettingsRepository {
  constructor(
    private readonly db: Executor,
    private readonly engine: Engine,
  ) {}

  async get(tenantId: string): Promise<AutopilotSettings | undefined> {
    const row = await this.db.selectFrom('autopilot_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    return row
      ? { tenantId, syncStatus: row.sync_status as SyncStatus, lastSyncAt: row.last_sync_at, lastManualSyncTriggerAt: row.last_manual_sync_trigger_at }
      : undefined;
  }

  async lock(tenantId: string): Promise<AutopilotSettings> {
    await this.db
      .insertInto('autopilot_settings')
      .values({ tenant_id: tenantId, last_sync_at: null, last_manual_sync_trigger_at: null })
      .onConflict((oc) => oc.column('tenant_id').doNothing())
      .execute();
    let query = this.db.selectFrom('autopilot_settings').selectAll().where('tenant_id', '=', tenantId);
    if (this.engine === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirstOrThrow();
    return { tenantId, syncStatus: row.sync_status as SyncStatus, lastSyncAt: row.last_sync_at, lastManualSyncTriggerAt: row.last_manual_sync_trigger_at };
  }

  async save(settings: AutopilotSettings): Promise<void> {
    await this.db
      .updateTable('autopilot_settings')
      .set({ sync_status: settings.syncStatus, last_sync_at: settings.lastSyncAt, last_manual_sync_trigger_at: settings.lastManualSyncTriggerAt })
      .where('tenant_id', '=', settings.tenantId)
      .execute();
  }

  async inProgress(): Promise<string[]> {
    const rows = await this.db.selectFrom('autopilot_settings').select('tenant_id').where('sync_status', '=', 'inProgress').execute();
    return rows.map((r) => r.tenant_id);
  }
}
