// PostgreSQL only: room on each page of autopilot_devices for HOT updates. Profile resolution and OOBE contacts update
// columns no index covers (assignment status, profile, last contact); with full pages every such update moved the row
// and re-inserted it into every index — including the pg_trgm GIN index on serial numbers — which made resolving a
// tenant's devices several times slower than on SQLite. Applies to pages written from now on.
import { sql, type Kysely, type Migration } from 'kysely';
import { engineOf } from '../engine.js';

export const deviceFillfactor: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (engineOf(db) === 'postgres') await sql`alter table autopilot_devices set (fillfactor = 80)`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    if (engineOf(db) === 'postgres') await sql`alter table autopilot_devices reset (fillfactor)`.execute(db);
  },
};
