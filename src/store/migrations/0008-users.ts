// Sign-in (issue 10, "sign-in the way Entra does it"): users of a tenant with Entra directory roles, apps that may
// be public clients with registered redirect URIs, and the authorization codes and refresh tokens of the
// authorization code flow. Codes and refresh tokens are stored as SHA-256 hashes, never in the clear.
import { sql, type Kysely, type Migration } from 'kysely';
import { strictTable } from './helpers.js';

export const users: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const strict = strictTable(db);

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      // Lower-case; unique across tenants (its domain belongs to one tenant), as in Entra.
      .addColumn('user_principal_name', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      // JSON array of directory role names, e.g. ["Intune Administrator"].
      .addColumn('roles', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('account_enabled', 'integer', (c) => c.notNull().defaultTo(1).check(sql`account_enabled in (0, 1)`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('users_tenant').on('users').columns(['tenant_id', 'created_at']).execute();

    // JSON array of redirect URIs, compared exactly; public clients redeem codes without a secret.
    await db.schema.alterTable('apps').addColumn('redirect_uris', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await db.schema
      .alterTable('apps')
      .addColumn('public_client', 'integer', (c) => c.notNull().defaultTo(0).check(sql`public_client in (0, 1)`))
      .execute();

    await db.schema
      .createTable('auth_codes')
      .addColumn('code_hash', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('code_challenge', 'text')
      .addColumn('nonce', 'text')
      // The refresh tokens this code leads to share it: a second redemption revokes them all.
      .addColumn('family_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0).check(sql`used in (0, 1)`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('family_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0).check(sql`revoked in (0, 1)`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .modifyEnd(strict)
      .execute();
    await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('refresh_tokens').execute();
    await db.schema.dropTable('auth_codes').execute();
    await db.schema.alterTable('apps').dropColumn('public_client').execute();
    await db.schema.alterTable('apps').dropColumn('redirect_uris').execute();
    await db.schema.dropTable('users').execute();
  },
};
