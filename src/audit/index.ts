// The audit log: Graph's auditEvent entities, building events, retention. HTTP records every write through it
// (src/http/plugins/audit.ts); src/store implements the port (append-only in the database).
export * from './ports.js';
export * from './audit-events.js';
