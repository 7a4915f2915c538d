// A prefix search's page in its own order (src/store/list-query/compile.ts, pageOrder in src/model/list-query.ts):
// without $orderby, `startswith(serialNumber, 'x')` is paged by (lower(serial_number), id), so that a page is the first
// entries of the prefix's range in the (tenant_id, lower(serial_number)) index whatever the tenant's size.
// - PostgreSQL: that index becomes (tenant_id, lower(serial_number) text_pattern_ops, id), so that it yields the page
//   order itself. Without the id, equal serials came in heap order and the planner had to add a sort: an Incremental
//   Sort of each group of equal serials where it expected many matches, but a Sort of every match where its statistics
//   expected few — and they underestimate prefixes: at 176k devices '5cg1m' was expected to match 1 device and matched
//   477, all read and sorted for each page. `=` (eq) and the prefix range use it as before.
// - SQLite: unchanged. Without statistics (Tarmac never runs ANALYZE) or with them it reads the range in order and
//   sorts only each group of equal serials ("USE TEMP B-TREE FOR LAST TERM OF ORDER BY"), stopping at the LIMIT.
import { sql, type Kysely, type Migration } from 'kysely';
import { engineOf } from '../engine.js';

export const prefixOrder: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (engineOf(db) !== 'postgres') return;
    await sql`drop index autopilot_devices_tenant_serial_lower`.execute(db);
    await sql`create index autopilot_devices_tenant_serial_lower on autopilot_devices (tenant_id, lower(serial_number) text_pattern_ops, id)`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    if (engineOf(db) !== 'postgres') return;
    await sql`drop index autopilot_devices_tenant_serial_lower`.execute(db);
    await sql`create index autopilot_devices_tenant_serial_lower on autopilot_devices (tenant_id, lower(serial_number) text_pattern_ops)`.execute(db);
  },
};
