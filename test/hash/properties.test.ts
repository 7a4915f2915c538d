// Property tests: the codec round-trips every inventory it accepts, and no input makes decode throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeHardwareHash,
  hashTextBytes,
  deviceIdentity,
  encodeHardwareHash,
  HashEncodeError,
  syntheticInventory,
  validateHardwareHash,
  type HardwareInventory,
} from '../../src/hash/index.js';
import { inventoryArb } from './arbitraries.js';

/** Encodes, or discards the run when the inventory is legitimately too big for 3000 bytes. */
function encodeOrSkip(inv: HardwareInventory): ReturnType<typeof encodeHardwareHash> {
  try {
    return encodeHardwareHash(inv);
  } catch (e) {
    if (e instanceof HashEncodeError && e.message.includes('more than the 3000-byte')) fc.pre(false);
    throw e;
  }
}

describe('encode -> decode', () => {
  it('gives back every accepted inventory exactly, valid and without issues', () => {
    fc.assert(
      fc.property(inventoryArb, (inv) => {
        const encoded = encodeOrSkip(inv);
        const d = decodeHardwareHash(encoded.base64);
        expect(d.issues).toEqual([]);
        expect(d.valid).toBe(true);
        expect(d.inventory).toEqual(inv);
        expect(d.identity).toEqual(deviceIdentity(inv));
        expect(encoded.bytes.length).toBe(3000);
      }),
      { numRuns: 300 },
    );
  });

  it('re-encoding a decoded hash gives the same bytes', () => {
    fc.assert(
      fc.property(inventoryArb, (inv) => {
        const encoded = encodeOrSkip(inv);
        const again = encodeHardwareHash(decodeHardwareHash(encoded.bytes).inventory as HardwareInventory);
        expect(again.base64).toBe(encoded.base64);
      }),
      { numRuns: 150 },
    );
  });

  it('synthetic inventories round-trip for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (seed) => {
        const inv = syntheticInventory(seed);
        const d = decodeHardwareHash(encodeHardwareHash(inv).base64);
        expect(d.issues).toEqual([]);
        expect(d.inventory).toEqual(inv);
      }),
      { numRuns: 200 },
    );
  });
});

describe('decode never throws', () => {
  const base = encodeHardwareHash(syntheticInventory(11)).bytes;

  it('on random bytes, and reports issues with codes, severities and offsets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3100 }), (bytes) => {
        const d = decodeHardwareHash(bytes);
        expect(d.valid).toBe(!d.issues.some((i) => i.severity === 'error'));
        for (const i of d.issues) {
          expect(typeof i.offset).toBe('number');
          expect(i.message).not.toContain('\n');
        }
        if (d.inventory === null) expect(d.valid).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('on a valid hash with random byte edits; validate agrees with decode', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2999 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (edits) => {
        const b = Buffer.from(base);
        for (const [at, value] of edits) b[at] = value;
        const d = decodeHardwareHash(b);
        void d.inventory; // the lazy inventory must build from any walkable bytes
        expect(validateHardwareHash(b)).toEqual({ valid: d.valid, issues: d.issues, paddingFixed: false });
        const changed = !b.equals(Buffer.from(base));
        if (changed && d.valid) {
          // Only the padding or nothing meaningful changed: the signed region is intact.
          const total = Buffer.from(base).readUInt16LE(2);
          expect(b.subarray(0, total + 36).equals(Buffer.from(base).subarray(0, total + 36))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary text', () => {
    const text = Buffer.from(base).toString('base64');
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.integer({ min: 0, max: 4000 }), (insert, at) => {
        const d = decodeHardwareHash(text.slice(0, at) + insert + text.slice(at));
        expect(Array.isArray(d.issues)).toBe(true);
        if (d.bytes === null) expect(d.issues.map((i) => i.code)).toEqual([expect.stringMatching(/InvalidBase64|EmptyHash/)]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('hashTextBytes (the bytes alone, for a lookup before the decode)', () => {
  const text = Buffer.from(encodeHardwareHash(syntheticInventory(7)).bytes).toString('base64');
  it('gives the bytes decode gives, whatever the text; null exactly when decode finds no base64', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.integer({ min: 0, max: 4000 }), fc.boolean(), (insert, at, quote) => {
        const input = (quote ? ' "' : '') + text.slice(0, at) + insert + text.slice(at, quote ? text.length - 2 : text.length);
        const bytes = hashTextBytes(input);
        const d = decodeHardwareHash(input);
        if (d.base64 === null) expect(bytes).toBeNull();
        else expect(Buffer.from(bytes!).equals(Buffer.from(d.bytes!))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('copies them out: a later decode does not change them', () => {
    const first = hashTextBytes(text)!;
    const kept = Buffer.from(first);
    hashTextBytes(Buffer.from(encodeHardwareHash(syntheticInventory(8)).bytes).toString('base64'));
    expect(Buffer.from(first).equals(kept)).toBe(true);
  });
});
