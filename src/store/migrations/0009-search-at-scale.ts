// Substring and prefix search at a million devices (issue 11):
// - SQLite: the FTS link table's rowids are partitioned by tenant. Each tenant gets a range [base, base + 2^32) in
//   autopilot_device_search_tenants, and a device's link row takes the next rowid of its tenant's range, so an FTS query
//   restricted to that range reads only the tenant's part of the index: a tenant's matches are counted (and a probe's
//   capped count taken) without reading a single device or link row. Invariant: a link row's rowid lies in the range of
//   its device's tenant; the triggers below keep it on insert, on a change of serial number or id, and on a change of
//   tenant (delete + insert into the new range).
// - Both: the (tenant_id, id) index that lists walk in key order also holds serial_number (SQLite: a third column;
//   PostgreSQL: INCLUDE), so that a walk testing `lower(serial_number) LIKE …` reads the index alone and fetches only
//   the rows that match (SQLite defers the table seek; PostgreSQL runs an index-only scan). See
//   src/store/list-query/compile.ts for when a list walks.
// - PostgreSQL: the (tenant_id, lower(serial_number)) index becomes text_pattern_ops, so that
//   `lower(serial_number) LIKE 'abc%'` (startswith) is a range on it whatever the database's collation; `=` (eq) still
//   uses it. SQLite compares in binary, so its index already serves the range the compiler writes for startswith.
import { sql, type Kysely, type Migration } from 'kysely';
import { engineOf } from '../engine.js';

/** Rowids per tenant in the search link table. */
export const SEARCH_PARTITION_SPAN = 2 ** 32;

const nextRowid = (tenant: string) => `
    insert or ignore into autopilot_device_search_tenants (tenant_id, base)
      values (${tenant}, coalesce((select max(base) from autopilot_device_search_tenants), 0) + ${SEARCH_PARTITION_SPAN});
    insert into autopilot_device_search (search_id, device_id, serial_number)
      select t.base + 1 + coalesce((select max(s.search_id) from autopilot_device_search s
                                    where s.search_id between t.base and t.base + ${SEARCH_PARTITION_SPAN - 1}) - t.base, 0),
             new.id, new.serial_number
      from autopilot_device_search_tenants t where t.tenant_id = ${tenant};`;

const DEVICE_TRIGGERS = [
  `create trigger autopilot_devices_search_ai after insert on autopilot_devices begin${nextRowid('new.tenant_id')}
  end`,
  `create trigger autopilot_devices_search_ad after delete on autopilot_devices begin
    delete from autopilot_device_search where device_id = old.id;
  end`,
  `create trigger autopilot_devices_search_au after update of id, serial_number on autopilot_devices
  when new.tenant_id = old.tenant_id begin
    update autopilot_device_search set device_id = new.id, serial_number = new.serial_number where device_id = old.id;
  end`,
  `create trigger autopilot_devices_search_au_tenant after update of tenant_id on autopilot_devices
  when new.tenant_id <> old.tenant_id begin
    delete from autopilot_device_search where device_id = old.id;${nextRowid('new.tenant_id')}
  end`,
];

/**
 * Refills the link table and the FTS index from autopilot_devices, every tenant's rows in its own range (in rowid order,
 * from base + 1). Run with the search triggers absent; bench/seed-devices.ts runs it after a bulk load too.
 */
export const SQLITE_SEARCH_BACKFILL = [
  `delete from autopilot_device_search`,
  `insert or ignore into autopilot_device_search_tenants (tenant_id, base)
     select tenant_id, coalesce((select max(base) from autopilot_device_search_tenants), 0) + ${SEARCH_PARTITION_SPAN} * row_number() over (order by tenant_id)
     from (select distinct tenant_id from autopilot_devices
           where tenant_id not in (select tenant_id from autopilot_device_search_tenants))`,
  `insert into autopilot_device_search (search_id, device_id, serial_number)
     select t.base + row_number() over (partition by d.tenant_id order by d.rowid), d.id, d.serial_number
     from autopilot_devices d join autopilot_device_search_tenants t on t.tenant_id = d.tenant_id`,
  `insert into autopilot_device_search_fts (autopilot_device_search_fts) values ('rebuild')`,
];

export const searchAtScale: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`drop index autopilot_devices_tenant_id`.execute(db);
    if (engineOf(db) === 'postgres') {
      await sql`create index autopilot_devices_tenant_id on autopilot_devices (tenant_id, id) include (serial_number)`.execute(db);
      await sql`drop index autopilot_devices_tenant_serial_lower`.execute(db);
      await sql`create index autopilot_devices_tenant_serial_lower on autopilot_devices (tenant_id, lower(serial_number) text_pattern_ops)`.execute(db);
      return;
    }
    await sql`create index autopilot_devices_tenant_id on autopilot_devices (tenant_id, id, serial_number)`.execute(db);
    await sql`
      create table autopilot_device_search_tenants (
        tenant_id text primary key,
        base integer not null unique
      ) strict`.execute(db);
    for (const t of ['autopilot_devices_search_ai', 'autopilot_devices_search_ad', 'autopilot_devices_search_au']) await sql`drop trigger ${sql.id(t)}`.execute(db);
    for (const statement of SQLITE_SEARCH_BACKFILL) await sql.raw(statement).execute(db);
    for (const trigger of DEVICE_TRIGGERS) await sql.raw(trigger).execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop index autopilot_devices_tenant_id`.execute(db);
    await sql`create index autopilot_devices_tenant_id on autopilot_devices (tenant_id, id)`.execute(db);
    if (engineOf(db) === 'postgres') {
      await sql`drop index autopilot_devices_tenant_serial_lower`.execute(db);
      await sql`create index autopilot_devices_tenant_serial_lower on autopilot_devices (tenant_id, lower(serial_number))`.execute(db);
      return;
    }
    for (const t of ['autopilot_devices_search_ai', 'autopilot_devices_search_ad', 'autopilot_devices_search_au', 'autopilot_devices_search_au_tenant']) {
      await sql`drop trigger if exists ${sql.id(t)}`.execute(db);
    }
    // 0003's triggers: new link rows take the next rowid overall again; the ranged ones stay valid.
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
    await sql`drop table autopilot_device_search_tenants`.execute(db);
  },
};
