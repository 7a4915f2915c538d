// A device's identity is not its hash (src/hash/identity.ts derives stable keys from inside it). The registry keeps
// one live owner per key across all tenants; Entra and Intune objects made from a hash keep theirs for the guardrails.

/** One stable identity key of a device: kind ('tuple', 'uuid', 'pkid', 'ek', 'serial') and value. */
export interface IdentityKey {
  kind: string;
  value: string;
}
