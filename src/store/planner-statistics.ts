// PostgreSQL plans every statement from the statistics ANALYZE gathers. Autovacuum gathers them about a minute after a
// table changed by a tenth (autovacuum_naptime, autovacuum_analyze_scale_factor), so for that minute after a bulk
// load the planner guesses from the table's size alone, and its guesses are bad ones: right after the first import
// of 100,000 devices into a fresh database, assigning a profile to all devices took 20 s instead of 3.7 s (a bitmap
// scan of the whole tenant and a sort for every page of 500, a sequential scan of entra_devices per page, an index walk
// of the tenant per UPDATE). The PostgreSQL manual says as much: run ANALYZE after populating a table. Tarmac does,
// through refreshPlannerStatistics: the import worker when its queue drains (and now and then during a long import),
// and a restore before it returns.
//
// SQLite: nothing. Tarmac never runs ANALYZE there and its statements are written so that SQLite's planner, without
// statistics, still reaches rows through the right index (test/store/query-plans.test.ts checks both ways).
import { sql } from 'kysely';
import type { Engine } from './engine.js';
import type { Executor } from './executor.js';

/**
 * PostgreSQL: ANALYZE every table of the schema that holds rows and has never been analyzed, or whose rows changed
 * since by more than autovacuum's default threshold (50 rows plus a tenth of the table), i.e. what autovacuum would
 * analyze at its next round, now (or ever: autovacuum may be off, as on the machine Tarmac's benchmarks ran on).
 * Returns the tables analyzed, in name order; SQLite: none.
 */
export async function refreshPlannerStatistics(db: Executor, engine: Engine): Promise<string[]> {
  if (engine !== 'postgres') return [];
  // reltuples is -1 until a table's first VACUUM or ANALYZE (PostgreSQL 14 and later); the pg_stat counters reach
  // pg_stat_user_tables up to a few seconds after the writing transaction, so they alone would miss a fresh load. An
  // empty table (no file pages yet) has nothing to analyze.
  const stale = await sql<{ name: string }>`
    select c.relname as name
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_stat_user_tables s on s.relid = c.oid
    where n.nspname = current_schema() and c.relkind = 'r'
      and ((c.reltuples < 0 and pg_relation_size(c.oid) > 0) or coalesce(s.n_mod_since_analyze, 0) > 50 + 0.1 * greatest(c.reltuples, 0))
    order by c.relname`.execute(db);
  const names = stale.rows.map((row) => row.name);
  for (const name of names) await sql`analyze ${sql.id(name)}`.execute(db);
  return names;
}
