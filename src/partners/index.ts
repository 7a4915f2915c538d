// The partners domain: partner (CSP) and OEM organisations' relationships with customers, and what they register.
export * from './errors.js';
export * from './ports.js';
export * from './relationships.js';
export * from './consent.js';
export * from './device-batches.js';
export * from './policies.js';
export * from './policy-profile.js';
export * from './device-policy-updates.js';
export * from './oem-registration.js';
export * from './wire-body.js';
export * from './agent-roles.js';
