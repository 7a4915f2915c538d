// Imports decode each hash once (issue 11): the accept path stores what the worker needs from the hash — identity
// keys, serial number, product key ID, hardware fields, or that it is not a valid hash — as JSON beside the row
// (src/registry/ports.ts DecodedImport). Null: not decoded yet (the worker decodes the hash itself).
import type { Kysely, Migration } from 'kysely';

export const importDecoded: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('imported_device_identities').addColumn('decoded_identity', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('imported_device_identities').dropColumn('decoded_identity').execute();
  },
};
