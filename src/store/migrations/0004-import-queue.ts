// The import worker's queries, indexed for large queues (bench/import.bench.ts showed both scanning every waiting
// row per batch: 120–220 ms each at 50k rows, so a 100k import slowed down as it went):
// - claim takes the oldest waiting rows: a partial index on (created_at, id) over waiting rows only serves its
//   ORDER BY … LIMIT directly. The old (import_status, created_at) index is dropped: with it, SQLite (no ANALYZE
//   statistics) preferred it and sorted every waiting row in a temporary B-tree.
// - leased reads the rows one claim took: an index on lease_owner.
// The predicate text must stay identical to the one in import-repository.ts's claim, so both engines can prove that
// the partial index covers the query.
import { sql, type Kysely, type Migration } from 'kysely';

export const WAITING_IMPORT_PREDICATE = "import_status in ('unknown', 'pending')";

export const importQueue: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('imported_device_identities_queue').execute();
    await sql`create index imported_device_identities_waiting on imported_device_identities (created_at, id) where ${sql.raw(WAITING_IMPORT_PREDICATE)}`.execute(db);
    await db.schema.createIndex('imported_device_identities_lease_owner').on('imported_device_identities').column('lease_owner').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('imported_device_identities_lease_owner').execute();
    await db.schema.dropIndex('imported_device_identities_waiting').execute();
    await db.schema.createIndex('imported_device_identities_queue').on('imported_device_identities').columns(['import_status', 'created_at']).execute();
  },
};
