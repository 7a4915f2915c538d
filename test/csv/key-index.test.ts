import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyIndex } from '../../src/csv/key-index.js';

describe('KeyIndex', () => {
  it('behaves like a Map of first values (property, across growth)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 300 }), (keys) => {
        const idx = new KeyIndex(16);
        const ref = new Map<string, number>();
        keys.forEach((k, i) => {
          const expected = ref.has(k) ? (ref.get(k) as number) : i;
          if (!ref.has(k)) ref.set(k, i);
          expect(idx.setIfAbsent(k, i)).toBe(expected);
        });
        expect(idx.size).toBe(ref.size);
        for (const [k, v] of ref) expect(idx.get(k)).toBe(v);
        expect(idx.get('\u0000not-a-key')).toBe(ref.get('\u0000not-a-key') ?? -1);
      }),
    );
  });

  it('holds 100,000 distinct identity-like keys without a false match', () => {
    const idx = new KeyIndex();
    for (let i = 0; i < 100_000; i++) expect(idx.setIfAbsent(`uuid:${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`, i)).toBe(i);
    expect(idx.size).toBe(100_000);
  });
});
