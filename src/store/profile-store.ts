// The profiles domain's storage (src/profiles/ports.ts) on Kysely, for SQLite and PostgreSQL.
import type { ProfileRepository } from '../profiles/ports.js';
import type { Executor } from './registry-store.js';

export class KyselyProfileRepository implements ProfileRepository {
  constructor(
    private readonly db: Executor,
    private readonly postgres: boolean,
  ) {}
}
