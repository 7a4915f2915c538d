// The intune domain's storage (src/intune/ports.ts) on Kysely, for SQLite and PostgreSQL.
import type { IntuneRepository } from '../intune/ports.js';
import type { Executor } from './registry-store.js';

export class KyselyIntuneRepository implements IntuneRepository {
  constructor(
    private readonly db: Executor,
    private readonly postgres: boolean,
  ) {}
}
