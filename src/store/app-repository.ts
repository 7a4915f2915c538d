// Apps (client credentials) and their secrets (AppRepository, src/tenants/ports.ts) on Kysely. Secrets are stored
// as scrypt hashes (src/tenants/secrets.ts), never in the clear.
import type { App, AppRepository, AppSecret, AppWithSecrets } from '../tenants/ports.js';
import { mapDuplicates } from './errors.js';
import type { Executor } from './executor.js';
import { appFromRow, appSecretFromRow } from './row-mappers.js';

export class KyselyAppRepository implements AppRepository {
  constructor(private readonly db: Executor) {}

  async insert(app: App): Promise<void> {
    await mapDuplicates(
      () =>
        this.db
          .insertInto('apps')
          .values({
            id: app.id,
            tenant_id: app.tenantId,
            client_id: app.clientId,
            display_name: app.displayName,
            roles: JSON.stringify(app.roles),
            created_at: app.createdAt,
            redirect_uris: JSON.stringify(app.redirectUris),
            public_client: app.publicClient ? 1 : 0,
          })
          .execute(),
      (constraint) => (constraint.includes('client_id') ? 'clientId' : 'appId'),
    );
  }

  async insertSecret(secret: AppSecret): Promise<void> {
    await mapDuplicates(
      () =>
        this.db
          .insertInto('app_secrets')
          .values({
            id: secret.id,
            app_id: secret.appId,
            hint: secret.hint,
            secret_hash: secret.hash,
            created_at: secret.createdAt,
            expires_at: secret.expiresAt,
          })
          .execute(),
      () => 'secretId',
    );
  }

  async findByClientId(tenantId: string, clientId: string): Promise<AppWithSecrets | undefined> {
    const row = await this.db
      .selectFrom('apps')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (!row) return undefined;
    const secrets = await this.db.selectFrom('app_secrets').selectAll().where('app_id', '=', row.id).orderBy('created_at').execute();
    return { ...appFromRow(row), secrets: secrets.map(appSecretFromRow) };
  }

  async listByTenant(tenantId: string): Promise<App[]> {
    const rows = await this.db.selectFrom('apps').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
    return rows.map(appFromRow);
  }

  async tokenState(tenantId: string, clientId: string): Promise<{ tokensNotBefore: string | null } | undefined> {
    const row = await this.db
      .selectFrom('apps')
      .select('tokens_not_before')
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row ? { tokensNotBefore: row.tokens_not_before } : undefined;
  }

  async delete(tenantId: string, clientId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('apps').where('tenant_id', '=', tenantId).where('client_id', '=', clientId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteSecret(appId: string, secretId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('app_secrets').where('app_id', '=', appId).where('id', '=', secretId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async setTokensNotBefore(tenantId: string, clientId: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('apps')
      .set({ tokens_not_before: at })
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
