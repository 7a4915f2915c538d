// The import history's pure parts: Graph's import states as ours, the console's time-ordered import ids, and the
// tenant's imported identities grouped by import (no API calls here, so they are unit-tested in Node).
import { errorCodeLabel } from './import-explanations.js';

export interface ImportedIdentity {
  id: string;
  importId?: string | null;
  serialNumber?: string | null;
  groupTag?: string | null;
  state?: { deviceImportStatus?: string; deviceRegistrationId?: string; deviceErrorCode?: number; deviceErrorName?: string } | null;
}

/** Graph's deviceImportStatus as one of ours: unknown, pending and partial are still being processed. */
export function statusOf(identity: ImportedIdentity): 'pending' | 'complete' | 'error' {
  const s = identity.state?.deviceImportStatus;
  return s === 'complete' ? 'complete' : s === 'error' ? 'error' : 'pending';
}

/** A UUIDv7: random, and its first 48 bits are the time (ms) — the history reads the import's time from it. */
export function newImportId(now = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 0; i < 6; i++) bytes[i] = Math.floor(now / 2 ** (8 * (5 - i))) & 0xff;
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The time inside a UUIDv7 import id, or null for other ids (imports made by other tools). */
export function importTime(importId: string): Date | null {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.exec(importId);
  if (!m) return null;
  return new Date(parseInt(`${m[1]}${m[2]}`, 16));
}

export interface ImportSummary {
  importId: string;
  time: Date | null;
  total: number;
  complete: number;
  error: number;
  pending: number;
  /** Error codes seen ("806 - ZtdDeviceAlreadyAssigned") and how often. */
  errors: Map<string, number>;
}

export function summarizeImports(identities: readonly ImportedIdentity[]): ImportSummary[] {
  const groups = new Map<string, ImportSummary>();
  for (const i of identities) {
    const importId = i.importId ?? '';
    let g = groups.get(importId);
    if (!g) {
      g = { importId, time: importTime(importId), total: 0, complete: 0, error: 0, pending: 0, errors: new Map() };
      groups.set(importId, g);
    }
    g.total++;
    const status = statusOf(i);
    g[status]++;
    if (status === 'error') {
      const label = errorCodeLabel(i.state?.deviceErrorCode, i.state?.deviceErrorName) || 'error';
      g.errors.set(label, (g.errors.get(label) ?? 0) + 1);
    }
  }
  // Newest first; imports without a time after those with one.
  return [...groups.values()].sort((a, b) => (b.time?.getTime() ?? -1) - (a.time?.getTime() ?? -1));
}
