// The encoder: container shape, refusals, layout following, and the lazy parts of a decode result.
import { describe, expect, it } from 'vitest';
import {
  decodeHardwareHash,
  encodeHardwareHash,
  HashEncodeError,
  recordLayout,
  syntheticInventory,
  validateHardwareHash,
  type HardwareInventory,
} from '../../src/hash/index.js';
import { sha256Hex } from './helpers.js';

const base = syntheticInventory(21, { vendor: 'Lenovo', build: { toolVersion: 9 } });
const edit = (change: (inv: HardwareInventory) => void): HardwareInventory => {
  const inv = structuredClone(base);
  change(inv);
  return inv;
};

function refusal(inv: HardwareInventory): HashEncodeError {
  try {
    encodeHardwareHash(inv);
  } catch (e) {
    if (e instanceof HashEncodeError) return e;
    throw e;
  }
  throw new Error('expected a HashEncodeError');
}

describe('container', () => {
  it('writes "OA", the header length, the records, "CS" + SHA-256 and zero padding to 3000 bytes', () => {
    const { bytes, base64 } = encodeHardwareHash(base);
    const b = Buffer.from(bytes);
    const total = b.readUInt16LE(2);
    expect(b.length).toBe(3000);
    expect(base64).toHaveLength(4000);
    expect(base64.startsWith('T0')).toBe(true);
    expect(b.toString('latin1', 0, 2)).toBe('OA');
    expect(b.toString('latin1', total, total + 2)).toBe('CS');
    expect(b.readUInt16LE(total + 2)).toBe(36);
    expect(b.subarray(total + 4, total + 36).toString('hex')).toBe(sha256Hex(b.subarray(0, total)));
    expect(b.subarray(total + 36).every((x) => x === 0)).toBe(true);
    expect(recordLayout(base).at(-1)).toMatchObject({ offset: expect.any(Number) });
    const last = recordLayout(base).at(-1);
    expect(last && last.offset + last.length).toBe(total);
  });

  it('writes ToolVersion 9 records in the order Windows does', () => {
    const types = recordLayout({ ...base, records: [] }).map((r) => r.type);
    const firstOf = (t: number): number => types.indexOf(t);
    expect(types.slice(0, 6)).toEqual([1, 2, 34, 5, 3, 4]);
    expect(firstOf(6)).toBeLessThan(firstOf(7));
    expect(firstOf(13)).toBeLessThan(firstOf(25));
    expect(firstOf(25)).toBeLessThan(firstOf(11));
    expect(firstOf(28)).toBeLessThan(firstOf(29));
    expect(types.at(-1)).toBe(37);
  });

  it('stores the time-zone offset in 15-minute units from ToolVersion 5, in minutes before', () => {
    const v9 = encodeHardwareHash(edit((inv) => inv.build && (inv.build.timeZoneOffsetMinutes = -300))).bytes;
    expect(Buffer.from(v9).readInt8(4 + 4 + 20)).toBe(-20);
    const v3 = encodeHardwareHash(edit((inv) => inv.build && Object.assign(inv.build, { toolVersion: 3, timeZoneOffsetMinutes: 120 }))).bytes;
    expect(Buffer.from(v3).readInt8(4 + 4 + 20)).toBe(120);
  });

  it('stores the build as minor, major, revision, build and the time as seconds since 2000', () => {
    const b = Buffer.from(encodeHardwareHash(edit((inv) => inv.build && Object.assign(inv.build, { toolBuild: '10.0.26100.7705', capturedAt: '2000-01-02T00:00:01Z' }))).bytes);
    expect(b.subarray(8, 16).toString('hex')).toBe('00000a00191ef465');
    expect(b.readUInt32LE(8 + 16)).toBe(86401);
  });

  it('stores the SMBIOS UUID the way Windows prints it (first three fields little-endian)', () => {
    const b = Buffer.from(encodeHardwareHash(edit((inv) => (inv.system.smbiosUuid = '4c4c4544-0038-5410-804c-b6c04f475333'))).bytes);
    expect(b.indexOf(Buffer.from('44454c4c38001054804cb6c04f475333', 'hex'))).toBeGreaterThan(0);
  });
});

describe('refusals', () => {
  it.each<[string, (inv: HardwareInventory) => void, string]>([
    ['too big for 3000 bytes', (inv) => (inv.system.family = 'x'.repeat(2000)), ''],
    ['a NUL inside a string', (inv) => (inv.system.serialNumber = 'AB\0CD'), 'system.serialNumber'],
    ['a lone surrogate', (inv) => (inv.system.model = 'bad \ud800 text'), 'system.model'],
    ['a number out of range', (inv) => inv.memory && (inv.memory.smbiosRamSlots = 70000), 'memory.smbiosRamSlots'],
    ['a fraction', (inv) => inv.enclosure && (inv.enclosure.maxTouchPoints = 1.5), 'enclosure.maxTouchPoints'],
    ['a bad MAC', (inv) => (inv.networkAdapters[0].macAddress = 'not-a-mac'), 'networkAdapters.0.macAddress'],
    ['a bad UUID', (inv) => (inv.system.smbiosUuid = '1234'), 'system.smbiosUuid'],
    ['bad hex', (inv) => (inv.tpm.ekPublicKey = 'xyz'), 'tpm.ekPublicKey'],
    ['a bad build', (inv) => inv.build && (inv.build.osBuild = '10.0.26100'), 'build.osBuild'],
    ['a time before 2000', (inv) => inv.build && (inv.build.capturedAt = '1999-12-31T23:59:59Z'), 'build.capturedAt'],
    ['an offset that is not a multiple of 15 minutes (ToolVersion 9)', (inv) => inv.build && (inv.build.timeZoneOffsetMinutes = 50), 'build.timeZoneOffsetMinutes'],
    ["a '|' in a disk serial part", (inv) => inv.disks[0].serial && (inv.disks[0].serial.product = 'A|B'), 'disks.0.serial.product'],
    ['an untrimmed disk serial part', (inv) => inv.disks[0].serial && (inv.disks[0].serial.serialNumber = ' X '), 'disks.0.serial.serialNumber'],
    ['an untrimmed brand string', (inv) => (inv.processor.model = 'CPU  '), 'processor.model'],
    ["a '|' in a GPU manufacturer", (inv) => inv.gpus[0].name && (inv.gpus[0].name.manufacturer = 'A|B'), 'gpus.0.name.manufacturer'],
    ['a disk with neither part', (inv) => inv.disks.push({ descriptor: null, serial: null }), `disks.${base.disks.length}`],
    ['a GPU with neither part', (inv) => inv.gpus.push({ memory: null, name: null }), `gpus.${base.gpus.length}`],
  ])('%s', (_what, change, path) => {
    const e = refusal(edit(change));
    expect(e.path).toBe(path);
    expect(e.message).not.toContain('\n');
  });

  it('a serial-only disk right after a descriptor-only disk (they would read back as one)', () => {
    const e = refusal(
      edit((inv) => {
        inv.disks = [
          { descriptor: inv.disks[0].descriptor, serial: null },
          { descriptor: null, serial: { serialNumber: 'S', product: 'P', vendor: '' } },
        ];
      }),
    );
    expect(e.path).toBe('disks.1');
  });

  it('a named GPU after an unnamed one (GPUs pair by order)', () => {
    const e = refusal(
      edit((inv) => {
        const g = inv.gpus[0];
        inv.gpus = [{ memory: g.memory, name: null }, g];
      }),
    );
    expect(e.path).toBe('gpus.1.name');
  });
});

describe('layout', () => {
  it('follows inventory.records, appends added parts and drops removed ones', () => {
    const inv = structuredClone(base);
    const reversed = [...inv.records].reverse().map(({ type }) => ({ type, offset: 0, length: 0 }));
    inv.records = reversed;
    inv.networkAdapters = inv.networkAdapters.slice(1);
    inv.kernelDiskSerial = null;
    inv.opaqueRecords.push({ type: 200, hex: 'abcd' });
    const d = decodeHardwareHash(encodeHardwareHash(inv).base64);
    expect(d.valid).toBe(true);
    const types = d.inventory?.records.map((r) => r.type);
    expect(types?.at(-1)).toBe(200);
    expect(types).not.toContain(28);
    expect(d.inventory?.networkAdapters).toEqual(inv.networkAdapters);
    // The layout order, minus record 28 and one record 8 (the k-th 8 of the layout takes the k-th adapter).
    const expected = reversed.map((r) => r.type).filter((t) => t !== 28);
    expected.splice(expected.lastIndexOf(8), 1);
    expect(types?.slice(0, -1)).toEqual(expected);
  });

  it('recordLayout is what the decoder reports', () => {
    for (let seed = 100; seed < 120; seed++) {
      const inv = { ...syntheticInventory(seed), records: [] };
      expect(decodeHardwareHash(encodeHardwareHash(inv).bytes).inventory?.records).toEqual(recordLayout(inv));
    }
  });
});

describe('the decode result', () => {
  const { base64 } = encodeHardwareHash(base);

  it('builds bytes and inventory on first read, then holds them as own enumerable properties', () => {
    const d = decodeHardwareHash(base64);
    expect(Object.keys(d)).toEqual(['valid', 'issues', 'paddingFixed', 'base64', 'identity']);
    const inv = d.inventory;
    expect(d.inventory).toBe(inv);
    expect(Object.keys(d)).toContain('inventory');
    expect({ ...d }.inventory).toBe(inv);
    expect(Buffer.from(d.bytes ?? new Uint8Array()).toString('base64')).toBe(base64);
    expect(d.inventory).toEqual(base);
  });

  it('serialises everything with JSON.stringify, read or not', () => {
    const d = decodeHardwareHash(base64);
    const json = JSON.parse(JSON.stringify(d)) as { inventory: unknown; identity: unknown; valid: boolean };
    expect(json.inventory).toEqual(JSON.parse(JSON.stringify(base)));
    expect(json.valid).toBe(true);
  });

  it('accepts assignment', () => {
    const d = decodeHardwareHash(base64);
    d.inventory = null;
    expect(d.inventory).toBeNull();
  });

  it('does not share bytes between results (the scratch buffer is reused)', () => {
    const a = decodeHardwareHash(base64);
    const b = decodeHardwareHash(encodeHardwareHash(syntheticInventory(22)).base64);
    expect(a.inventory).toEqual(base);
    expect(b.inventory?.system.serialNumber).toBe(syntheticInventory(22).system.serialNumber);
    expect(a.identity?.serialNumber).toBe(base.system.serialNumber);
  });

  it('gives the same bytes and inventory whether read at once (from the scratch) or after other decodes', () => {
    const other = encodeHardwareHash(syntheticInventory(23)).base64;
    const expectedBytes = Buffer.from(base64, 'base64');
    const now = decodeHardwareHash(base64);
    const nowInventory = now.inventory; // read from the intact scratch
    const nowBytes = now.bytes; // copied from the intact scratch
    const later = decodeHardwareHash(base64);
    decodeHardwareHash(other);
    validateHardwareHash(other); // reuses the scratch too
    expect(later.bytes).toEqual(expectedBytes); // re-decoded from the base64
    expect(later.inventory).toEqual(nowInventory);
    expect(nowInventory).toEqual(base);
    // A copy of our own: later decodes do not show through.
    decodeHardwareHash(other);
    expect(nowBytes).toEqual(expectedBytes);
    const bytesFirst = decodeHardwareHash(base64);
    expect(bytesFirst.bytes).toEqual(expectedBytes);
    decodeHardwareHash(other);
    expect(bytesFirst.inventory).toEqual(base); // read from its own copy once the scratch moved on
  });
});
