// An imported row's hash moves to a table of its own (issue 11, imports near raw speed).
//
// The import queue's row is written three times: accepted by the POST, claimed by the worker (lease), settled with
// its outcome. With its 3–4 KB hash inside, a row filled a page of its own, so each claim and each settle rewrote one
// page per device — on SQLite into the WAL and again at the checkpoint, on PostgreSQL as a new row version with the
// hash copied. The hash is written once and never changes, so it lives beside the row now (imported_device_hashes,
// deleted with its row) and the row that moves is a few hundred bytes. Bench import, SQLite 100k: the claim UPDATE
// took 35 ms a batch of 500 and the commits 58 ms each (15 s of a 59 s import).
import { sql, type Kysely, type Migration } from 'kysely';
import { engineOf } from '../engine.js';
import { columnTypes, lz4Available, strictTable } from './helpers.js';

export const importedHashes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema
      .createTable('imported_device_hashes')
      .addColumn('imported_device_id', 'text', (c) => c.primaryKey().references('imported_device_identities.id').onDelete('cascade'))
      .addColumn('hardware_identifier', t.blob, (c) => c.notNull())
      .modifyEnd(strictTable(db))
      .execute();
    // Migration 0015's reason holds here too: LZ4 writes a hash faster than pglz.
    if (engineOf(db) === 'postgres' && (await lz4Available(db))) {
      await sql`alter table imported_device_hashes alter column hardware_identifier set compression lz4`.execute(db);
    }
    await sql`insert into imported_device_hashes (imported_device_id, hardware_identifier)
      select id, hardware_identifier from imported_device_identities where hardware_identifier is not null`.execute(db);
    await db.schema.alterTable('imported_device_identities').dropColumn('hardware_identifier').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('imported_device_identities').addColumn('hardware_identifier', columnTypes(db).blob).execute();
    await sql`update imported_device_identities set hardware_identifier =
      (select h.hardware_identifier from imported_device_hashes h where h.imported_device_id = imported_device_identities.id)`.execute(db);
    await db.schema.dropTable('imported_device_hashes').execute();
  },
};
