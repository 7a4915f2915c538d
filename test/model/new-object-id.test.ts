import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/model/index.js';
import { isGuid } from '../../src/tenants/index.js';

describe('newObjectId', () => {
  it('is a lower-case GUID of version 7 and the RFC 9562 variant, carrying the millisecond it was made', () => {
    const at = Date.UTC(2026, 11, 5, 9, 30, 0, 123);
    const id = newObjectId(at);
    expect(isGuid(id)).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts as text in the order of the milliseconds (what keeps new rows on the indexes\' last pages)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), fc.integer({ min: 1, max: 2 ** 20 }), (t, dt) => {
        const later = Math.min(t + dt, 2 ** 48 - 1);
        expect(newObjectId(t) < newObjectId(later)).toBe(true);
      }),
    );
  });

  it('differs in its random bits when made in the same millisecond, across refills of the random pool', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newObjectId(1_000)));
    expect(ids.size).toBe(2000);
  });
});
