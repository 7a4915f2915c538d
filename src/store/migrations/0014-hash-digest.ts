// The PC's lookup by its exact hash (issue 11): every registered hash gets its SHA-256 (hash_digest), indexed, so a PC
// that presents the hash it was registered with — nearly every boot — is found by one index probe instead of a probe
// per identity key, a grouping and a read of the 4 KB hash (src/oobe/identify-device.ts; DeviceRepository.holderOfHash).
// The digest is written with the hash by the repository (src/store/device-repository.ts); rows that exist already get
// theirs here: PostgreSQL computes it itself, SQLite has no SHA-256, so Node computes it in batches of DIGEST_BATCH.
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';
import { engineOf } from '../engine.js';
import { columnTypes } from './helpers.js';

const DIGEST_BATCH = 2000;

export const hashDigest: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.alterTable('autopilot_device_hashes').addColumn('hash_digest', t.blob).execute();
    if (engineOf(db) === 'postgres') {
      await sql`update autopilot_device_hashes set hash_digest = sha256(hardware_hash)`.execute(db);
    } else {
      let after = '';
      for (;;) {
        const rows = (
          await sql<{ device_id: string; hardware_hash: Uint8Array }>`
            select device_id, hardware_hash from autopilot_device_hashes where device_id > ${after} order by device_id limit ${DIGEST_BATCH}`.execute(db)
        ).rows;
        if (rows.length === 0) break;
        for (const row of rows) {
          const digest = createHash('sha256').update(row.hardware_hash).digest();
          await sql`update autopilot_device_hashes set hash_digest = ${digest} where device_id = ${row.device_id}`.execute(db);
        }
        after = rows[rows.length - 1]!.device_id;
      }
    }
    // Not unique: the registry's identity keys, not this index, decide what may be registered twice.
    await db.schema.createIndex('autopilot_device_hashes_digest').on('autopilot_device_hashes').columns(['hash_digest', 'device_id']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('autopilot_device_hashes_digest').execute();
    await db.schema.alterTable('autopilot_device_hashes').dropColumn('hash_digest').execute();
  },
};
