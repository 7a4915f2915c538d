// The one store every domain's operations run on: each domain's repositories side by side, and one transaction
// across them all, so that a registration, its Entra object, the dynamic groups it joins and the profile it resolves
// to commit or roll back together. Each domain declares its own repositories in its ports.ts; this only composes
// them. src/store/create-store.ts implements it on SQLite and PostgreSQL.
import type { AuditRepository } from './audit/ports.js';
import type { DirectoryRepository, EntraDeviceRepository } from './directory/ports.js';
import type { IntuneRepository } from './intune/ports.js';
import type { BatchRepository, JobRepository, PartnerPolicyRepository, RelationshipRepository } from './partners/ports.js';
import type { ProfileRepository } from './profiles/ports.js';
import type { DeviceRepository, IdentityKeyRepository, ImportRepository, SettingsRepository } from './registry/ports.js';

export interface Store {
  /** The import queue (src/registry). */
  readonly imports: ImportRepository;
  /** Autopilot devices with their hashes (src/registry). */
  readonly devices: DeviceRepository;
  /** The global identity-key table: one live owner per key (src/registry). */
  readonly identityKeys: IdentityKeyRepository;
  /** windowsAutopilotSettings and sync (src/registry). */
  readonly settings: SettingsRepository;
  /** Entra device objects (src/directory). */
  readonly entra: EntraDeviceRepository;
  /** Groups and memberships (src/directory). */
  readonly directory: DirectoryRepository;
  /** Deployment profiles, assignments and each device's resolved profile (src/profiles). */
  readonly profiles: ProfileRepository;
  /** Intune managed devices and the hardware keys of objects made from a hash (src/intune). */
  readonly intune: IntuneRepository;
  /** Partner and OEM relationships with customers (src/partners). */
  readonly relationships: RelationshipRepository;
  /** Partner Center device batches (src/partners). */
  readonly batches: BatchRepository;
  /** Partner Center and OEM jobs: batch tracking ids and their per-device outcomes (src/partners). */
  readonly jobs: JobRepository;
  /** Partner Center configuration policies and the devices they are applied to (src/partners). */
  readonly partnerPolicies: PartnerPolicyRepository;
  /** The append-only audit log of writes (src/audit). */
  readonly audit: AuditRepository;
  /**
   * Runs `work` atomically; nested calls join the outer transaction. Rejects with WriteConflictError when the
   * database gave the transaction up because of a concurrent one: nothing of it was committed, and running it again
   * may succeed.
   */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
}

/** Why the database gave a transaction up: chosen as a deadlock's victim, a serialization failure, or busy. */
export type WriteConflictReason = 'deadlock' | 'serialization' | 'busy';

/**
 * A transaction lost to a concurrent one (PostgreSQL 40P01 deadlock or 40001 serialization failure; SQLite busy
 * beyond its timeout). It was rolled back whole, so the caller may run it again at once (src/registry's worker does).
 */
export class WriteConflictError extends Error {
  override readonly name = 'WriteConflictError';
  constructor(
    readonly reason: WriteConflictReason,
    options?: ErrorOptions,
  ) {
    super(`The database gave up the transaction (${reason}); it was rolled back and may be retried`, options);
  }
}
