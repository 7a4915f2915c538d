// Storage: open a database, migrate it, and get the repositories the domains declare.
export { openDatabase, DatabaseOpenError, SQLITE_FILE_NAME, SQLITE_BUSY_TIMEOUT_MS, redactUrl, type Db, type DatabaseSettings } from './database.js';
export { migrateToLatest, migrationStatus, MigrationError } from './migrate.js';
export { engineOf, type Engine } from './engine.js';
export { isUniqueViolation, isForeignKeyViolation, violatedConstraint } from './errors.js';
export { createTenantsStore } from './tenants-store.js';
export { createRegistryStore, toDevice as autopilotDeviceFromRow, toImported as importedDeviceFromRow, toEntraDevices } from './registry-store.js';
export type { DatabaseSchema } from './schema.js';
