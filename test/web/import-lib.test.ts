// The console Import page's pure helpers (web/src/lib): UUIDv7 import ids and their time, Graph's import states,
// the history's grouping, and the error explanations (Microsoft's numbers and names, both spellings of 808).
import { describe, expect, it } from 'vitest';
import { errorCodeLabel, explainImportError, IMPORT_EXPLANATIONS } from '../../web/src/lib/import-explanations.js';
import { importTime, newImportId, statusOf, summarizeImports } from '../../web/src/lib/import-history.js';
import { ZTD_ERRORS } from '../../src/registry/errors.js';

describe('console import helpers', () => {
  it('makes UUIDv7 import ids whose time can be read back; other ids have none', () => {
    const at = Date.UTC(2026, 11, 4, 20, 0, 0, 123);
    const id = newImportId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(importTime(id)?.getTime()).toBe(at);
    expect(newImportId(at)).not.toBe(id);
    expect(importTime('3f1e4f9e-1c1a-4b7e-9d7e-2f7c1b2a9e10')).toBeNull(); // v4 (the CLI's)
    expect(importTime('')).toBeNull();
  });

  it('reads Graph states: unknown, pending and partial are still processing', () => {
    expect(['unknown', 'pending', 'partial', 'complete', 'error', undefined].map((s) => statusOf({ id: 'x', state: { deviceImportStatus: s } }))).toEqual([
      'pending',
      'pending',
      'pending',
      'complete',
      'error',
      'pending',
    ]);
  });

  it('groups identities by import, newest first, with counts and error codes', () => {
    const older = newImportId(Date.UTC(2026, 0, 1));
    const newer = newImportId(Date.UTC(2026, 0, 2));
    const s = (deviceImportStatus: string, deviceErrorCode = 0, deviceErrorName = '') => ({ deviceImportStatus, deviceErrorCode, deviceErrorName });
    const groups = summarizeImports([
      { id: '1', importId: older, state: s('complete') },
      { id: '2', importId: newer, state: s('error', 806, 'ZtdDeviceAlreadyAssigned') },
      { id: '3', importId: newer, state: s('error', 806, 'ZtdDeviceAlreadyAssigned') },
      { id: '4', importId: newer, state: s('unknown') },
      { id: '5', importId: null, state: s('error', 899, 'ZtdDeviceDuplicated') },
    ]);
    expect(groups.map((g) => [g.importId, g.total, g.complete, g.error, g.pending, [...g.errors]])).toEqual([
      [newer, 3, 0, 2, 1, [['806 - ZtdDeviceAlreadyAssigned', 2]]],
      [older, 1, 1, 0, 0, []],
      ['', 1, 0, 1, 0, [['899 - ZtdDeviceDuplicated', 1]]],
    ]);
  });

  it('explains every outcome the registry reports, by name or number', () => {
    for (const [name, code] of Object.entries(ZTD_ERRORS)) {
      const e = explainImportError(code, name);
      expect(e, name).not.toBeNull();
      expect(e?.code).toBe(code);
      expect(explainImportError(null, name)).toBe(e);
      expect(explainImportError(code, '')).toBe(e);
    }
    expect(explainImportError(808, 'ZtdDeviceAssignedToAnotherTenant')?.name).toBe('ZtdDeviceAssignedToOtherTenant');
    expect(explainImportError(0, 'Unheard')).toBeNull();
    expect(new Set(IMPORT_EXPLANATIONS.map((e) => e.code)).size).toBe(IMPORT_EXPLANATIONS.length);
    expect(errorCodeLabel(806, 'ZtdDeviceAlreadyAssigned')).toBe('806 - ZtdDeviceAlreadyAssigned');
    expect(errorCodeLabel(0, 'BadRequest')).toBe('BadRequest');
  });
});
