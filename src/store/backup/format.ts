// The backup file: gzip'd JSON Lines, one JSON value per line, the same whichever engine wrote it.
//
//   {"format":"tarmac-backup","formatVersion":1,"tarmacVersion":…,"engine":…,"createdAt":…,"migrations":[…],"tables":{name: rows}}
//   {"table":"tenants","columns":[["created_at","text"],["display_name","text"],…]}     columns sorted by name
//   ["2024-01-01T00:00:00.000Z","Contoso",…]                                            one line per row
//   {"end":"tenants","rows":3,"checksum":"…"}
//   … every table, parents before children …
//   {"manifest":{"tenants":{"rows":3,"checksum":"…"},…},"rows":…}                      last line: the file is whole
//
// Values are canonical, whatever the engine stored: text as a string, integer and real as a number (PostgreSQL
// booleans as 0/1, bigint as a number), blob as base64, null as null. A table's checksum is the sum modulo 2^256 of
// the SHA-256 of each row's canonical line: it does not depend on row order (each engine reads in its own order), and
// it counts a repeated row twice. It detects damage and differences, it is not a seal against a forger.
import { createHash } from 'node:crypto';
import type { ColumnInfo, ValueKind } from './tables.js';

export const BACKUP_FORMAT = 'tarmac-backup';
export const BACKUP_FORMAT_VERSION = 1;

export type CanonicalValue = string | number | null;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  tarmacVersion: string;
  engine: 'sqlite' | 'postgres';
  createdAt: string;
  /** The applied migrations of the source, in order: the schema level of the rows that follow. */
  migrations: string[];
  /** Rows per table in the snapshot (for progress; the manifest is what restore checks). */
  tables: Record<string, number>;
}

export interface TableHeader {
  table: string;
  columns: [string, ValueKind][];
}

export interface TableEnd {
  end: string;
  rows: number;
  checksum: string;
}

export interface TableDigest {
  rows: number;
  checksum: string;
}

export interface Manifest {
  manifest: Record<string, TableDigest>;
  rows: number;
}

export class BackupFormatError extends Error {
  override readonly name = 'BackupFormatError';
}

/** A value as the engine's driver returned it → its canonical form for `column`. */
export function toCanonical(table: string, column: ColumnInfo, value: unknown): CanonicalValue {
  if (value === null || value === undefined) return null;
  switch (column.kind) {
    case 'text':
      if (typeof value === 'string') return value;
      if (value instanceof Date) return value.toISOString();
      if (typeof value === 'object' && !Buffer.isBuffer(value)) return JSON.stringify(value); // PostgreSQL json/jsonb
      return String(value as number);
    case 'integer': {
      if (typeof value === 'number') return value;
      if (typeof value === 'boolean') return value ? 1 : 0;
      const n = Number(value as string | bigint);
      if (!Number.isSafeInteger(n)) throw new BackupFormatError(`${table}.${column.name} holds ${String(value as string)}, outside the integers a backup carries exactly (±2^53).`);
      return n;
    }
    case 'real':
      return typeof value === 'number' ? value : Number(value as string);
    case 'blob':
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
      throw new BackupFormatError(`${table}.${column.name} holds a ${typeof value} where binary data was expected.`);
  }
}

/** A canonical value → what the target engine's driver takes for `column`. */
export function fromCanonical(column: ColumnInfo, value: CanonicalValue): unknown {
  if (value === null) return null;
  if (column.kind === 'blob') return Buffer.from(value as string, 'base64');
  if (column.nativeType === 'boolean') return value === 1;
  return value;
}

/** Whether a parsed row's values have the kinds its table's columns declare (a damaged file is refused, not restored). */
export function rowMatches(row: unknown, kinds: ValueKind[]): row is CanonicalValue[] {
  if (!Array.isArray(row) || row.length !== kinds.length) return false;
  for (let i = 0; i < kinds.length; i++) {
    const v: unknown = row[i];
    if (v === null) continue;
    const kind = kinds[i];
    if (kind === 'integer' ? !Number.isSafeInteger(v) : kind === 'real' ? typeof v !== 'number' : typeof v !== 'string') return false;
  }
  return true;
}

/** The order-independent checksum of a table: add each row's canonical line (its SHA-256 as a 256-bit number). */
export class TableChecksum {
  // The sum kept as sixteen 16-bit limbs without carrying (exact up to 2^37 rows); carried once, in digest().
  readonly #limbs = new Float64Array(16);
  #rows = 0;

  add(line: string): void {
    const d = createHash('sha256').update(line).digest();
    for (let i = 0; i < 16; i++) this.#limbs[i] = (this.#limbs[i] as number) + d.readUInt16BE(2 * i);
    this.#rows++;
  }

  get rows(): number {
    return this.#rows;
  }

  digest(): TableDigest {
    let sum = 0n;
    for (let i = 0; i < 16; i++) sum = (sum << 16n) + BigInt(this.#limbs[i] as number);
    return { rows: this.#rows, checksum: (sum % (1n << 256n)).toString(16).padStart(64, '0') };
  }
}
