// Partner Center and OEM registrations as the registry sees them: import rows with origin partner or oem, inserted
// straight into the one queue (as the Partner Center and OEM APIs do) and registered by the one import worker.
import { randomUUID } from 'node:crypto';
import { newImportedDevice } from '../../src/registry/new-imported-device.js';
import type { ImportedDevice } from '../../src/registry/ports.js';
import type { Store } from '../../src/ports.js';
import type { Db } from '../../src/store/index.js';

export type PartnerRow = Partial<Omit<ImportedDevice, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'>>;

/** Inserts partner rows (origin partner unless given) for `tenantId`; returns them. */
export async function insertPartnerRows(store: Store, tenantId: string, rows: PartnerRow[], now = new Date()): Promise<ImportedDevice[]> {
  const made = rows.map((r, i) =>
    newImportedDevice({ id: randomUUID(), tenantId, origin: 'partner', jobId: randomUUID(), jobPosition: i, ...r }, new Date(now.getTime() + i).toISOString()),
  );
  await store.imports.insertMany(made);
  return made;
}

export interface RowOutcome {
  status: string;
  deviceRegistrationId: string | null;
  deviceErrorCode: number;
  deviceErrorName: string;
}

/** The outcome of rows of any origin (Graph's find sees only the customer's own), read from the table. */
export async function rowOutcomes(db: Db, ids: string[]): Promise<RowOutcome[]> {
  const rows = await db
    .selectFrom('imported_device_identities')
    .select(['id', 'import_status', 'device_registration_id', 'device_error_code', 'device_error_name'])
    .where('id', 'in', ids)
    .execute();
  return ids.map((id) => {
    const r = rows.find((x) => x.id === id);
    if (!r) throw new Error(`no import row ${id}`);
    return { status: r.import_status, deviceRegistrationId: r.device_registration_id, deviceErrorCode: r.device_error_code, deviceErrorName: r.device_error_name };
  });
}

/** Waits (polling, as a Partner Center client polls its job) until the rows are processed by a running worker. */
export async function settledOutcomes(db: Db, ids: string[]): Promise<RowOutcome[]> {
  for (let i = 0; i < 500; i++) {
    const outcomes = await rowOutcomes(db, ids);
    if (outcomes.every((o) => o.status !== 'unknown' && o.status !== 'pending')) return outcomes;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('partner rows did not finish');
}
