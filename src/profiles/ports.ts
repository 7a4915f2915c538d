// What the deployment-profile domain (profiles, assignments, resolution) needs from storage.
// src/store/profile-store.ts implements it. No SQL, no HTTP.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the profiles slice grows
export interface ProfileRepository {}
