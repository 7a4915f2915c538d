// What the directory domain (Entra devices, groups, dynamic membership) needs from storage.
// src/store/directory-store.ts implements it. No SQL, no HTTP.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the directory slice grows
export interface DirectoryRepository {}
