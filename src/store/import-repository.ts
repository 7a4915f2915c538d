// The import queue (ImportRepository, src/registry/ports.ts) on Kysely: rows accepted by POST …/import, leased by the
// worker in batches, settled with their outcome. A row's hash is stored beside it, in imported_device_hashes
// (migration 0017): written with the row, read with it, never rewritten as the row moves from state to state.
//
// Concurrency: SQLite transactions start with BEGIN IMMEDIATE (database.ts), so every transaction here runs alone.
// On PostgreSQL the worker's claim skips rows another worker has locked and `leased()` locks the rows it returns.
import { sql } from 'kysely';
import type { ListPage, ListQuery } from '../model/index.js';
import type { ImportedDevice, ImportOutcome, ImportRepository, ImportStatus } from '../registry/ports.js';
import { chunks } from './chunks.js';
import { CompiledInsert } from './compiled-statements.js';
import type { Engine } from './engine.js';
import { atomically, IN_CHUNK, INSERT_CHUNK, type Executor } from './executor.js';
import { listPage } from './list-query/compile.js';
import { refreshPlannerStatistics } from './planner-statistics.js';
import { WAITING_IMPORT_PREDICATE } from './migrations/0004-import-queue.js';
import { importedDeviceFromRow } from './row-mappers.js';

const UNPROCESSED: ImportStatus[] = ['unknown', 'pending'];
/** Rows a statement of `leased` reads (see there). */
const LEASED_PAGE = 500;

export class KyselyImportRepository implements ImportRepository {
  private readonly queueInsert = new CompiledInsert('imported_device_identities');
  private readonly hashInsert = new CompiledInsert('imported_device_hashes');

  constructor(
    private readonly db: Executor,
    private readonly engine: Engine,
  ) {}

  async insertMany(rows: ImportedDevice[]): Promise<void> {
    const write = async (trx: Executor): Promise<void> => {
      for (const part of chunks(rows, INSERT_CHUNK)) {
        await this.queueInsert.run(
          trx,
          part.map((r) => ({
            id: r.id,
            tenant_id: r.tenantId,
            import_id: r.importId,
            group_tag: r.groupTag,
            serial_number: r.serialNumber,
            product_key: r.productKey,
            assigned_user_principal_name: r.assignedUserPrincipalName,
            manufacturer: r.manufacturer,
            model: r.model,
            origin: r.origin,
            origin_tenant_id: r.originTenantId,
            job_id: r.jobId,
            job_position: r.jobPosition,
            batch_id: r.batchId,
            import_status: r.status,
            device_registration_id: r.deviceRegistrationId,
            device_error_code: r.deviceErrorCode,
            device_error_name: r.deviceErrorName,
            decoded_identity: r.decoded === null ? null : JSON.stringify(r.decoded),
            lease_until: null,
            created_at: r.createdAt,
            updated_at: r.updatedAt,
          })),
        );
        const hashes = part.flatMap((r) => (r.hardwareIdentifier === null ? [] : [{ imported_device_id: r.id, hardware_identifier: r.hardwareIdentifier }]));
        await this.hashInsert.run(trx, hashes);
      }
    };
    await atomically(this.db, write);
  }

  async find(tenantId: string, id: string): Promise<ImportedDevice | undefined> {
    const row = await withHashes(this.db)
      .where('imported_device_identities.tenant_id', '=', tenantId)
      .where('imported_device_identities.id', '=', id)
      .where('imported_device_identities.origin', '=', 'customer')
      .executeTakeFirst();
    return row ? importedDeviceFromRow(row) : undefined;
  }

  async list(tenantId: string, query: ListQuery): Promise<ListPage<ImportedDevice>> {
    const base = this.db.selectFrom('imported_device_identities').selectAll('imported_device_identities').where('imported_device_identities.tenant_id', '=', tenantId)
      // Partner and OEM submissions are not the customer's imports: Partner Center's batch status reports them.
      .where('imported_device_identities.origin', '=', 'customer');
    // The page's hashes by primary key afterwards, so that the filter, the paging and the count see one table.
    return listPage(base, query, this.engine, async (rows) => {
      const hashes = await hashesOf(this.db, rows.map((r) => r.id));
      return rows.map((r) => importedDeviceFromRow({ ...r, hardware_identifier: hashes.get(r.id) ?? null }));
    });
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('imported_device_identities')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('origin', '=', 'customer')
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async claim(owner: string, limit: number, now: string, leaseUntil: string): Promise<number> {
    let candidates = this.db
      .selectFrom('imported_device_identities')
      .select('id')
      // Literal, not bound parameters: the partial index imported_device_identities_waiting (migration 0004) covers
      // this predicate only when the planner can see the same constants.
      .where(sql<boolean>`${sql.raw(WAITING_IMPORT_PREDICATE)}`)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit);
    if (this.engine === 'postgres') candidates = candidates.forUpdate().skipLocked();
    const lease = (db: Executor) =>
      db
        .updateTable('imported_device_identities')
        .set((eb) => ({ lease_owner: owner, lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', candidates)
        .executeTakeFirst();
    if (this.engine === 'sqlite') return Number((await lease(this.db)).numUpdatedRows);
    // PostgreSQL: every row the worker settled leaves a dead entry in the waiting index until VACUUM. A plain index
    // scan in (created_at, id) order marks those entries dead as it passes them, so the next claim skips them
    // without reading the table; a bitmap scan (what the planner picks without statistics) re-reads every one of
    // them on every claim, and the claim cost grows with the number of rows ever imported (bench import: 22 ms at
    // 10k rows, 60 ms at 40k). Hence no bitmap scan for this one statement.
    return atomically(this.db, async (trx) => {
      await sql`set local enable_bitmapscan = off`.execute(trx);
      return Number((await lease(trx)).numUpdatedRows);
    });
  }

  async leased(owner: string): Promise<(ImportedDevice & { attempts: number })[]> {
    // In pages (keyset on created_at, id), not in one statement: on SQLite a statement runs on the event loop, and
    // reading 2,000 rows with their 4 KB hashes at once held it ~50 ms, every request of the process waiting.
    const out: (ImportedDevice & { attempts: number })[] = [];
    let after: { createdAt: string; id: string } | undefined;
    for (;;) {
      let query = withHashes(this.db)
        .where('imported_device_identities.lease_owner', '=', owner)
        .where('imported_device_identities.import_status', 'in', UNPROCESSED)
        .orderBy('imported_device_identities.created_at')
        .orderBy('imported_device_identities.id')
        .limit(LEASED_PAGE);
      if (after !== undefined) {
        const { createdAt, id } = after;
        query = query.where((eb) => eb(eb.refTuple('imported_device_identities.created_at', 'imported_device_identities.id'), '>', eb.tuple(createdAt, id)));
      }
      // The queue rows only: their hashes never change.
      if (this.engine === 'postgres') query = query.forUpdate('imported_device_identities');
      const rows = await query.execute();
      for (const r of rows) out.push({ ...importedDeviceFromRow(r), attempts: Number(r.attempts) });
      if (rows.length < LEASED_PAGE) return out;
      const last = rows[rows.length - 1]!;
      after = { createdAt: last.created_at, id: last.id };
    }
  }

  async settle(outcomes: ImportOutcome[], now: string): Promise<void> {
    // Few statements, not one per row: rows that share an outcome (an error code) are one UPDATE … WHERE id IN;
    // completed rows are one UPDATE per chunk with the registration id picked by a CASE on the row id.
    // A settled row is never registered again: what the worker needed from its hash (decoded_identity) goes too.
    const released = { lease_owner: null, lease_until: null, decoded_identity: null, updated_at: now };
    const errors = new Map<string, ImportOutcome[]>();
    const completed: ImportOutcome[] = [];
    for (const o of outcomes) {
      if (o.status === 'complete' && o.deviceRegistrationId !== null) completed.push(o);
      else {
        const key = `${o.status}|${o.deviceErrorCode}|${o.deviceErrorName}`;
        const group = errors.get(key);
        if (group) group.push(o);
        else errors.set(key, [o]);
      }
    }
    for (const group of errors.values()) {
      const { status, deviceErrorCode, deviceErrorName } = group[0];
      for (const part of chunks(group, IN_CHUNK)) {
        await this.db
          .updateTable('imported_device_identities')
          .set({ ...released, import_status: status, device_registration_id: null, device_error_code: deviceErrorCode, device_error_name: deviceErrorName })
          .where(
            'id',
            'in',
            part.map((o) => o.id),
          )
          .execute();
      }
    }
    for (const part of chunks(completed, 250)) {
      const registrationId = sql<string>`case id ${sql.join(
        part.map((o) => sql`when ${o.id} then ${o.deviceRegistrationId}`),
        sql` `,
      )} end`;
      await this.db
        .updateTable('imported_device_identities')
        .set({ ...released, import_status: 'complete', device_registration_id: registrationId, device_error_code: 0, device_error_name: '' })
        .where(
          'id',
          'in',
          part.map((o) => o.id),
        )
        .execute();
    }
  }

  async countUnprocessed(tenantId: string): Promise<number> {
    const r = await this.db
      .selectFrom('imported_device_identities')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('import_status', 'in', UNPROCESSED)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  refreshPlannerStatistics(): Promise<string[]> {
    return refreshPlannerStatistics(this.db, this.engine);
  }
}

/** Queue rows with their hash (imported_device_hashes, migration 0017). */
function withHashes(db: Executor) {
  return db
    .selectFrom('imported_device_identities')
    .leftJoin('imported_device_hashes', 'imported_device_hashes.imported_device_id', 'imported_device_identities.id')
    .selectAll('imported_device_identities')
    .select('imported_device_hashes.hardware_identifier');
}

/** The hashes of these queue rows, by row id (rows without one are absent). */
async function hashesOf(db: Executor, ids: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const part of chunks(ids, IN_CHUNK)) {
    const rows = await db.selectFrom('imported_device_hashes').selectAll().where('imported_device_id', 'in', part).execute();
    for (const r of rows) out.set(r.imported_device_id, r.hardware_identifier);
  }
  return out;
}
