// Backup and restore (`tarmac backup` / `tarmac restore`): one engine-neutral file, a consistent snapshot, restored
// into either engine. See format.ts for the file, backup.ts and restore.ts for what each side promises.
export { backupToFile, writeBackup, tableChecksums, appliedMigrations, type BackupOptions, type BackupProgress, type BackupSummary } from './backup.js';
export { restoreFromFile, restoreLines, RestoreError, type RestoreOptions, type RestoreProgress, type RestoreSummary } from './restore.js';
export { BackupFormatError, BACKUP_FORMAT, BACKUP_FORMAT_VERSION, type BackupHeader, type TableDigest } from './format.js';
export { describeTables, BackupSchemaError, MIGRATION_TABLES, type TablePlan, type ExcludedTable } from './tables.js';
