// Token hardening (issue 12, item 5): a per-app "not before". Access tokens of the app issued before it (their
// `iat`) are refused (src/tokens/token-subjects.ts); it is set when one of the app's secrets is deleted or its tokens
// are revoked. Null: no token of the app has been revoked. (A deleted app needs nothing: its row is gone, and tokens
// naming it fail the existence check.)
import type { Kysely, Migration } from 'kysely';

export const tokenHardening: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('apps').addColumn('tokens_not_before', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('apps').dropColumn('tokens_not_before').execute();
  },
};
