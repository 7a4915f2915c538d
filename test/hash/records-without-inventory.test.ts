// captureSecondsOf reads the capture time from the build record without building the inventory (the parallel CSV
// validator's workers send it for the duplicate message): it must be exactly the inventory's build.capturedAt.
// skuAndFamilyOf reads the SKU and family records the same way (a Graph import keeps them for the registration): it
// must be exactly the inventory's system.sku and system.family.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seconds2000FromIso } from '../../src/hash/bytes.js';
import { captureSecondsOf, skuAndFamilyOf } from '../../src/hash/decode.js';
import { decodeHardwareHash, encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import { damagedHash, unpaddedHash } from '../support/csv-fixtures.js';
import { fromRealHashes, loadRealHashes } from '../support/real-hashes.js';
import { inventoryArb } from './arbitraries.js';
import { assemble, recordOffsets } from './helpers.js';

function expectSameAsInventory(text: string | Uint8Array): void {
  const d = decodeHardwareHash(text);
  // Read first, while the decoder's scratch bytes are still this hash's; then after another decode reused them.
  const early = captureSecondsOf(d);
  decodeHardwareHash(encodeHardwareHash(syntheticInventory(1)).base64);
  const late = captureSecondsOf(d);
  const at = d.inventory?.build?.capturedAt;
  const expected = at === undefined || at === null ? -1 : seconds2000FromIso(at);
  expect(early).toBe(expected);
  expect(late).toBe(expected);
}

const real = fromRealHashes(loadRealHashes, []);

/** Synthetic hashes as text, unpadded, damaged, and as bytes. */
function* variedHashes(): Generator<string | Uint8Array> {
  for (let seed = 0; seed < 40; seed++) {
    const { base64 } = encodeHardwareHash(syntheticInventory(seed));
    yield* [base64, unpaddedHash(base64), damagedHash(base64, 50 + seed * 40), Buffer.from(base64, 'base64')];
  }
}

describe('captureSecondsOf', () => {
  it('is the inventory’s build.capturedAt for synthetic, unpadded and damaged hashes', () => {
    for (const hash of variedHashes()) expectSameAsInventory(hash);
  });

  it('is -1 without a build record, and reads the first of two', () => {
    const { base64 } = encodeHardwareHash(syntheticInventory(7));
    const bytes = Buffer.from(base64, 'base64');
    const [build] = recordOffsets(bytes, 1);
    const records: { type: number; payload: Uint8Array }[] = [];
    for (let o = 4; o < bytes.readUInt16LE(2); ) {
      const length = bytes.readUInt16LE(o + 2);
      records.push({ type: bytes.readUInt16LE(o), payload: bytes.subarray(o + 4, o + length) });
      o += length;
    }
    expectSameAsInventory(assemble(records.filter((r) => r.type !== 1)));
    const second = Buffer.from(bytes.subarray(build + 4, build + 28));
    second.writeUInt32LE(12345, 16);
    expectSameAsInventory(assemble([...records, { type: 1, payload: second }]));
    expect(captureSecondsOf(decodeHardwareHash(assemble(records.filter((r) => r.type !== 1))))).toBe(-1);
  });

  it.skipIf(real.length === 0)('is the inventory’s build.capturedAt for the real hashes', () => {
    for (const r of real) expectSameAsInventory(r.hash);
  });
});

function expectSkuAndFamilyAsInventory(text: string | Uint8Array): void {
  const d = decodeHardwareHash(text);
  const early = skuAndFamilyOf(d);
  decodeHardwareHash(encodeHardwareHash(syntheticInventory(1)).base64);
  const late = skuAndFamilyOf(d);
  const expected = { sku: d.inventory?.system.sku ?? null, family: d.inventory?.system.family ?? null };
  expect(early).toEqual(expected);
  expect(late).toEqual(expected);
  expect(skuAndFamilyOf(d)).toEqual(expected); // after the inventory was built
}

describe('skuAndFamilyOf', () => {
  it('is the inventory’s system.sku and system.family for synthetic, unpadded and damaged hashes', () => {
    for (const hash of variedHashes()) expectSkuAndFamilyAsInventory(hash);
  });

  it('is the inventory’s for any inventory (non-ASCII text, missing records)', () => {
    fc.assert(fc.property(inventoryArb, (inventory) => expectSkuAndFamilyAsInventory(encodeHardwareHash(inventory).base64)), { numRuns: 150 });
  });

  it('is null without the records, and reads the first of two', () => {
    const bytes = Buffer.from(encodeHardwareHash(syntheticInventory(9)).base64, 'base64');
    const records: { type: number; payload: Uint8Array }[] = [];
    for (let o = 4; o < bytes.readUInt16LE(2); ) {
      const length = bytes.readUInt16LE(o + 2);
      records.push({ type: bytes.readUInt16LE(o), payload: bytes.subarray(o + 4, o + length) });
      o += length;
    }
    const without = records.filter((r) => r.type !== 18 && r.type !== 19);
    expect(skuAndFamilyOf(decodeHardwareHash(assemble(without)))).toEqual({ sku: null, family: null });
    const repeated = [...records, { type: 18, payload: Buffer.from('SECOND\0') }, { type: 19, payload: Buffer.from('Zweite\0') }];
    expectSkuAndFamilyAsInventory(assemble(repeated));
    expect(skuAndFamilyOf(decodeHardwareHash(assemble(repeated))).sku).not.toBe('SECOND');
  });

  it.skipIf(real.length === 0)('is the inventory’s for the real hashes', () => {
    for (const r of real) expectSkuAndFamilyAsInventory(r.hash);
  });
});
