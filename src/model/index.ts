// The shared model: the entities more than one domain reads or writes, and the list query every repository takes.
// Every domain may import it; it imports nothing of theirs.
export * from './autopilot-device.js';
export * from './entra-device.js';
export * from './managed-device.js';
export * from './identity-key.js';
export * from './list-query.js';
export * from './new-object-id.js';
