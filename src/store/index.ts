// Storage: open a database, migrate it, and get the stores the domains declare (src/ports.ts, src/tenants/ports.ts),
// each repository in its own file. The OData models and the list-query compiler are in list-query/.
export { openDatabase, pingDatabase, prepared, DatabaseOpenError, SQLITE_FILE_NAME, SQLITE_BUSY_TIMEOUT_MS, SQLITE_CACHE_KIB, redactUrl, type Db, type DatabaseOptions, type DatabaseSettings } from './database.js';
export { migrateToLatest, migrationStatus, MigrationError } from './migrate.js';
export { engineOf, type Engine } from './engine.js';
export { isUniqueViolation, isForeignKeyViolation, violatedConstraint } from './errors.js';
export { createStore, createTenantsStore } from './create-store.js';
export { setAuditDeletes } from './audit-repository.js';
export {
  auditEventModel,
  autopilotDeviceModel,
  deploymentProfileModel,
  entraDeviceModel,
  groupModel,
  importedDeviceModel,
  managedDeviceModel,
  SERIAL_NUMBER_INDEX,
} from './list-query/models.js';
export type { DatabaseSchema } from './schema.js';
