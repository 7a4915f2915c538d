// Indexes for OData filters on Autopilot devices (src/http/odata):
// - `serialNumber eq '…'` is case-insensitive and compares lower(serial_number): a btree index on
//   (tenant_id, lower(serial_number)) on both engines;
// - `contains/startswith/endswith(serialNumber,'…')`: PostgreSQL, a pg_trgm GIN index on lower(serial_number)
//   (serving `lower(serial_number) LIKE '%…%'`); SQLite, an FTS5 trigram table.
//
// SQLite detail: FTS5 maps its rows to integer rowids, and autopilot_devices has a text key whose implicit rowid
// VACUUM may renumber. So the FTS table is an external-content index over a small link table with a stable
// INTEGER PRIMARY KEY (search_id → device_id, serial_number), and triggers keep link table and index in step with
// autopilot_devices.
import { sql, type Kysely, type Migration } from 'kysely';
import { engineOf } from '../engine.js';

export const search: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`create index autopilot_devices_tenant_serial_lower on autopilot_devices (tenant_id, lower(serial_number))`.execute(db);

    if (engineOf(db) === 'postgres') {
      // Tests migrate many schemas of one database at once; CREATE EXTENSION is per database and races otherwise.
      await sql`select pg_advisory_xact_lock(hashtext('tarmac: create extension pg_trgm'))`.execute(db);
      await sql`create extension if not exists pg_trgm`.execute(db);
      // The extension may live in another schema than this one (it is per database); name its operator class fully.
      const { rows } = await sql<{ schema: string }>`
        select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
      const schema = rows[0]?.schema;
      if (!schema) throw new Error('pg_trgm is not installed; run CREATE EXTENSION pg_trgm as a superuser');
      await sql`create index autopilot_devices_serial_trgm on autopilot_devices using gin (lower(serial_number) ${sql.id(schema, 'gin_trgm_ops')})`.execute(db);
      return;
    }

    await sql`
      create table autopilot_device_search (
        search_id integer primary key,
        device_id text not null unique,
        serial_number text not null
      ) strict`.execute(db);
    await sql`
      create virtual table autopilot_device_search_fts using fts5(
        serial_number, content='autopilot_device_search', content_rowid='search_id', tokenize='trigram'
      )`.execute(db);
    // Link table → FTS index.
    await sql`
      create trigger autopilot_device_search_ai after insert on autopilot_device_search begin
        insert into autopilot_device_search_fts(rowid, serial_number) values (new.search_id, new.serial_number);
      end`.execute(db);
    await sql`
      create trigger autopilot_device_search_ad after delete on autopilot_device_search begin
        insert into autopilot_device_search_fts(autopilot_device_search_fts, rowid, serial_number)
          values ('delete', old.search_id, old.serial_number);
      end`.execute(db);
    await sql`
      create trigger autopilot_device_search_au after update on autopilot_device_search begin
        insert into autopilot_device_search_fts(autopilot_device_search_fts, rowid, serial_number)
          values ('delete', old.search_id, old.serial_number);
        insert into autopilot_device_search_fts(rowid, serial_number) values (new.search_id, new.serial_number);
      end`.execute(db);
    // autopilot_devices → link table.
    await sql`
      create trigger autopilot_devices_search_ai after insert on autopilot_devices begin
        insert into autopilot_device_search(device_id, serial_number) values (new.id, new.serial_number);
      end`.execute(db);
    await sql`
      create trigger autopilot_devices_search_ad after delete on autopilot_devices begin
        delete from autopilot_device_search where device_id = old.id;
      end`.execute(db);
    await sql`
      create trigger autopilot_devices_search_au after update of id, serial_number on autopilot_devices begin
        update autopilot_device_search set device_id = new.id, serial_number = new.serial_number where device_id = old.id;
      end`.execute(db);
    await sql`insert into autopilot_device_search(device_id, serial_number) select id, serial_number from autopilot_devices`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop index if exists autopilot_devices_tenant_serial_lower`.execute(db);
    if (engineOf(db) === 'postgres') {
      // The extension stays: other schemas of the database may use it.
      await sql`drop index if exists autopilot_devices_serial_trgm`.execute(db);
      return;
    }
    for (const trigger of ['autopilot_devices_search_ai', 'autopilot_devices_search_ad', 'autopilot_devices_search_au']) {
      await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
    }
    await sql`drop table if exists autopilot_device_search_fts`.execute(db);
    await sql`drop table if exists autopilot_device_search`.execute(db);
  },
};
