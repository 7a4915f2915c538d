// What the Intune domain (managed devices, neighbour hardware keys) needs from storage.
// src/store/intune-store.ts implements it. No SQL, no HTTP.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the Intune slice grows
export interface IntuneRepository {}
