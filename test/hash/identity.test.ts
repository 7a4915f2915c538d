// Device identity: normalisation, placeholders, keys and sameDevice. Synthetic inventories only.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  collapseWhitespace,
  decodeHardwareHash,
  deviceIdentity,
  encodeHardwareHash,
  isPlaceholder,
  isPlaceholderUuid,
  normalizeKeyPart,
  sameDevice,
  syntheticInventory,
  type HardwareInventory,
} from '../../src/hash/index.js';
import { sha256Hex } from './helpers.js';

function withSystem(seed: number, system: Partial<HardwareInventory['system']>): HardwareInventory {
  const inv = structuredClone(syntheticInventory(seed));
  Object.assign(inv.system, system);
  return inv;
}

describe('placeholders', () => {
  it.each([
    'SMBIOS_STRING_INDEX_0',
    'To be filled by O.E.M.',
    'to be filled by o.e.m.',
    'Default string',
    'System Serial Number',
    'System manufacturer',
    'System Product Name',
    'Not Specified',
    'None',
    'N/A',
    'INVALID',
    '0',
    '00000000',
    '0000-0000',
    'FFFFFFFF',
    'ffff ffff',
    '  ',
    '',
    ' Default   string ',
  ])('%j is a placeholder', (value) => {
    expect(isPlaceholder(value)).toBe(true);
  });

  it.each(['HP', 'LENOVO', '5CG1234567', '0A', 'Dell Inc.', 'Nonesuch', 'FFFFFFFE'])('%j is not', (value) => {
    expect(isPlaceholder(value)).toBe(false);
  });

  it('null and undefined count as missing', () => {
    expect(isPlaceholder(null)).toBe(true);
    expect(isPlaceholder(undefined)).toBe(true);
  });

  it.each([
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '03000200-0400-0500-0006-000700080009',
    ' 03000200-0400-0500-0006-000700080009 ',
  ])('UUID %s is a placeholder', (uuid) => {
    expect(isPlaceholderUuid(uuid)).toBe(true);
  });

  it('a real-looking UUID is not', () => {
    expect(isPlaceholderUuid('4c4c4544-0000-1010-8000-b0c04f000000')).toBe(false);
  });

  it('a placeholder never becomes a key, and is named in `placeholders`', () => {
    const inv = withSystem(1, { serialNumber: 'To be filled by O.E.M.', smbiosUuid: '03000200-0400-0500-0006-000700080009' });
    inv.productKey.productKeyId = '0000000000000';
    const id = deviceIdentity(inv);
    expect(id.serialNumber).toBeNull();
    expect(id.tuple).toBeNull();
    expect(id.smbiosUuid).toBeNull();
    expect(id.productKeyId).toBeNull();
    expect(id.placeholders).toEqual(['serialNumber', 'smbiosUuid', 'productKeyId']);
    expect(id.keys.map((k) => k.split(':')[0])).toEqual(['ek']);
  });

  it('every placeholder SMBIOS field is listed', () => {
    const id = deviceIdentity(withSystem(1, { manufacturer: 'System manufacturer', model: 'System Product Name', serialNumber: 'System Serial Number' }));
    expect(id.placeholders).toEqual(['manufacturer', 'model', 'serialNumber']);
    expect(id.manufacturer).toBeNull();
  });
});

describe('normalisation', () => {
  it('trims, collapses inner whitespace and upper-cases for the key; display keeps the trimmed text', () => {
    const id = deviceIdentity(withSystem(2, { manufacturer: '  Dell   Inc. ', model: 'Latitude\t5550', serialNumber: ' abc1234 ' }));
    expect(id.manufacturer).toBe('Dell   Inc.');
    expect(id.model).toBe('Latitude\t5550');
    expect(id.serialNumber).toBe('abc1234');
    expect(id.tuple).toBe('DELL INC.|LATITUDE 5550|ABC1234');
    expect(id.keys[0]).toBe('tuple:DELL INC.|LATITUDE 5550|ABC1234');
  });

  it('collapseWhitespace returns the same string when there is nothing to do', () => {
    const s = 'HP EliteBook 840 G11';
    expect(collapseWhitespace(s)).toBe(s);
    expect(collapseWhitespace('\u00a0a\u2003\u2003b\n')).toBe('a b');
    expect(collapseWhitespace(' \t ')).toBe('');
  });

  it('normalizeKeyPart is idempotent and agrees with trim/collapse/upper-case', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
        const once = normalizeKeyPart(s);
        expect(normalizeKeyPart(once)).toBe(once);
        expect(once).toBe(s.trim().split(/[\s\uFEFF\u00A0]+/).filter(Boolean).join(' ').toUpperCase());
      }),
    );
  });

  it('keys: tuple, uuid, pkid, ek in that order, lower-case hex', () => {
    const inv = syntheticInventory(3, { vendor: 'HP' });
    const id = deviceIdentity(inv);
    expect(id.keys).toEqual([
      `tuple:HP|${inv.system.model?.toUpperCase()}|${inv.system.serialNumber}`,
      `uuid:${inv.system.smbiosUuid}`,
      `pkid:${inv.productKey.productKeyId}`,
      `ek:${inv.tpm.offlineDeviceId?.hash}`,
    ]);
    expect(id.tpmEkHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('an upper-case UUID in a hand-made inventory is keyed lower-case', () => {
    const inv = withSystem(4, { smbiosUuid: 'ABCDEF01-2345-6789-ABCD-EF0123456789' });
    expect(deviceIdentity(inv).smbiosUuid).toBe('abcdef01-2345-6789-abcd-ef0123456789');
  });

  it('without record 11 the EK hash is computed from record 25', () => {
    const inv = structuredClone(syntheticInventory(5));
    const ek = inv.tpm.ekPublicKey ?? '';
    inv.tpm.offlineDeviceId = null;
    expect(deviceIdentity(inv).tpmEkHash).toBe(sha256Hex(Buffer.from(ek, 'hex')));
    inv.tpm.ekPublicKey = null;
    expect(deviceIdentity(inv).tpmEkHash).toBeNull();
  });

  it('a seed-based offline ID (type 0x0103) is not an EK key', () => {
    const inv = structuredClone(syntheticInventory(6));
    inv.tpm.ekPublicKey = null;
    inv.tpm.offlineDeviceId = { idType: 0x0103, idTypeName: 'UefiVariable', hash: 'ab'.repeat(32) };
    expect(deviceIdentity(inv).tpmEkHash).toBeNull();
  });

  it('only a 13-digit product key ID is a key', () => {
    for (const [pkid, ok] of [['3305063324918', true], ['330506332491', false], ['33050633249x8', false], [' 3305063324918 ', true]] as const) {
      const inv = structuredClone(syntheticInventory(7));
      inv.productKey.productKeyId = pkid;
      expect(deviceIdentity(inv).productKeyId).toBe(ok ? pkid.trim() : null);
    }
  });
});

describe('identity read from the bytes (decode) equals deviceIdentity(inventory)', () => {
  const values = [
    'HP', 'hp', ' Dell   Inc. ', 'Latitude\t5550', '\tabc1234\n', 'a\u000bb\u000cc', 'x\u0001y', 'Ünïcode', '\u00a0HP\u00a0', 'ß',
    'to be filled by o.e.m.', ' Default   string ', 'n/a', 'Na', '0000-0000', 'ffff ffff', 'F', '', '   ', 'NONESUCH', '0A',
    'System Product Name', 'smbios_string_index_0', 'O.E.M.', 'x'.repeat(700), ' ' + 'y'.repeat(300) + ' ',
  ];
  const uuids = [
    '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '03000200-0400-0500-0006-000700080009',
    '0f0ff0ff-00ff-f00f-0000-ffffffff0f0f', '0f0ff0ff-00ff-f00f-0000-ffffffff0f0e', '4c4c4544-0000-1010-8000-b0c04f000000', null,
  ];
  const pkids = ['3305063324918', ' 3305063324918 ', '0000000000000', '330506332491', '33050633249x8', '3305 063324918', '\u00a03305063324918', '', null];
  it('for whitespace, case, placeholders, non-ASCII and long values', () => {
    let n = 0;
    for (const manufacturer of [...values, null]) {
      const model = values[n % values.length];
      const serialNumber = values[(n * 7 + 3) % values.length];
      const inv = withSystem(20 + (n % 5), { manufacturer, model, serialNumber, smbiosUuid: uuids[n % uuids.length] });
      inv.productKey.productKeyId = pkids[n % pkids.length];
      if (n % 3 === 1) inv.tpm.offlineDeviceId = null;
      n++;
      const d = decodeHardwareHash(encodeHardwareHash(inv).base64);
      expect(d.valid).toBe(true);
      expect(d.identity).toEqual(deviceIdentity(d.inventory ?? inv));
    }
  });
});

describe('sameDevice', () => {
  it('a recapture (new time, new ToolVersion, other disks) is the same device', () => {
    const first = syntheticInventory(42, { build: { toolVersion: 8 } });
    const later = structuredClone(syntheticInventory(42, { build: { toolVersion: 9, capturedAt: '2026-01-02T03:04:05Z' } }));
    later.disks = [];
    const a = decodeHardwareHash(encodeHardwareHash(first).base64);
    const b = decodeHardwareHash(encodeHardwareHash(later).base64);
    expect(a.base64).not.toBe(b.base64);
    expect(sameDevice(a.identity ?? fail(), b.identity ?? fail())).toBe(true);
    expect(a.identity?.keys).toEqual(b.identity?.keys);
  });

  it('one shared key is enough (a motherboard swap keeps the serial tuple)', () => {
    const a = deviceIdentity(syntheticInventory(8));
    const swapped = structuredClone(syntheticInventory(9));
    swapped.system = { ...syntheticInventory(8).system, smbiosUuid: syntheticInventory(9).system.smbiosUuid };
    const b = deviceIdentity(swapped);
    expect(b.keys.filter((k) => a.keys.includes(k))).toEqual([a.keys[0]]);
    expect(sameDevice(a, b)).toBe(true);
  });

  it('two machines whose only shared value is a placeholder serial are different', () => {
    const a = deviceIdentity(withSystem(10, { manufacturer: 'QEMU', model: 'Standard PC', serialNumber: 'SMBIOS_STRING_INDEX_0' }));
    const b = deviceIdentity(withSystem(11, { manufacturer: 'QEMU', model: 'Standard PC', serialNumber: 'SMBIOS_STRING_INDEX_0' }));
    expect(sameDevice(a, b)).toBe(false);
  });

  it('distinct synthetic seeds never share a key', () => {
    const seen = new Map<string, number>();
    for (let seed = 0; seed < 3000; seed++) {
      for (const k of deviceIdentity(syntheticInventory(seed)).keys) {
        expect(seen.get(k), k).toBeUndefined();
        seen.set(k, seed);
      }
    }
  });
});

function fail(): never {
  throw new Error('missing value');
}
