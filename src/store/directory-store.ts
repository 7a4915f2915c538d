// The directory domain's storage (src/directory/ports.ts) on Kysely, for SQLite and PostgreSQL.
import type { DirectoryRepository } from '../directory/ports.js';
import type { Executor } from './registry-store.js';

export class KyselyDirectoryRepository implements DirectoryRepository {
  constructor(
    private readonly db: Executor,
    private readonly postgres: boolean,
  ) {}
}
