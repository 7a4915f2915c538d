// PostgreSQL compresses the hardware hashes with LZ4 instead of its default pglz (issue 11, imports near raw speed).
// A 4 KB hash (3,000 bytes) compresses to about 1.1 KB either way, so it stays in the row (no TOAST), but pglz costs
// more to write: 500-row inserts of synthetic hashes took 63–81 µs a row with pglz, 42–61 with LZ4 (2026-12-05).
// Each imported device's hash is written twice (the import queue, then the registered hash), and the worker reads the
// queue's copy back. Only values written from now on are LZ4; older ones stay pglz and read as before. Servers built
// without LZ4 (it is optional at build time) keep pglz: the migration then changes nothing. SQLite stores blobs as they are.
import { sql, type Kysely, type Migration } from 'kysely';
import { engineOf } from '../engine.js';
import { lz4Available } from './helpers.js';

const HASH_COLUMNS = [
  ['imported_device_identities', 'hardware_identifier'],
  ['autopilot_device_hashes', 'hardware_hash'],
] as const;

export const hashCompression: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (engineOf(db) !== 'postgres' || !(await lz4Available(db))) return;
    for (const [table, column] of HASH_COLUMNS) await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} set compression lz4`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    if (engineOf(db) !== 'postgres') return;
    for (const [table, column] of HASH_COLUMNS) await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} set compression default`.execute(db);
  },
};
