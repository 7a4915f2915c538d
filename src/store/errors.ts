// Engine-neutral recognition of constraint violations, so repositories can turn them into domain errors, and of
// the failures that only mean "a concurrent transaction won, run it again" (writeConflictOf), so that the store's
// transaction (create-store.ts) turns them into one domain error, WriteConflictError (src/ports.ts).
import type { WriteConflictReason } from '../ports.js';
import { DuplicateError } from '../tenants/ports.js';

interface CodedError {
  code?: unknown;
  constraint?: unknown;
}

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as CodedError).code;
  return typeof code === 'string' ? code : undefined;
}

/** A UNIQUE or PRIMARY KEY violation (PostgreSQL 23505; SQLite SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY). */
export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Whether `err` (or an error it wraps) means the transaction lost to a concurrent one and was rolled back, so that
 * running it again may succeed: PostgreSQL 40P01 (deadlock detected) and 40001 (serialization failure), SQLite
 * SQLITE_BUSY and its extended codes (the write lock was still held when the busy timeout ran out; with
 * BEGIN IMMEDIATE this is where a SQLite writer waits, so it cannot deadlock).
 */
export function writeConflictOf(err: unknown): WriteConflictReason | undefined {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = codeOf(e);
    if (code === '40P01') return 'deadlock';
    if (code === '40001') return 'serialization';
    if (code === 'SQLITE_BUSY' || code?.startsWith('SQLITE_BUSY_')) return 'busy';
  }
  return undefined;
}

/** A FOREIGN KEY violation (PostgreSQL 23503; SQLite SQLITE_CONSTRAINT_FOREIGNKEY). */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * Which table/constraint a unique violation hit, when the engine says so: PostgreSQL gives the constraint name,
 * SQLite the columns in its message ("UNIQUE constraint failed: apps.client_id").
 */
export function violatedConstraint(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const constraint = (err as CodedError).constraint;
  if (typeof constraint === 'string') return constraint;
  const message = err instanceof Error ? err.message : '';
  const m = /constraint failed: (.+)$/.exec(message);
  return m?.[1];
}

/** Runs `write`, turning a unique violation into DuplicateError(field) chosen from the violated constraint. */
export async function mapDuplicates<T>(write: () => Promise<T>, fieldFor: (constraint: string) => DuplicateError['field']): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) {
      const field = fieldFor(violatedConstraint(err) ?? '');
      throw new DuplicateError(field);
    }
    throw err;
  }
}
