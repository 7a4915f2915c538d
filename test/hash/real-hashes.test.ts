// Conformance over the 64 real hashes in ../shared/data/real-hashes (read in place, never copied).
import { describe, expect, it } from 'vitest';
import {
  decodeHardwareHash,
  deviceIdentity,
  encodeHardwareHash,
  sameDevice,
  type DecodedHash,
  type DeviceIdentity,
} from '../../src/hash/index.js';
import { fromRealHashes, loadRealHashes, loadSources, needsRealHashes, type RealHash } from '../support/real-hashes.js';
import { sha256Hex } from './helpers.js';

// Without the corpus these suites are skipped, except in CI, where loadRealHashes() throws and the file fails.
const real = fromRealHashes(loadRealHashes, []);
const sources = fromRealHashes(loadSources, []);
const decoded = new Map<RealHash, DecodedHash>(real.map((r) => [r, decodeHardwareHash(r.hash)]));
const byFile = (name: string): RealHash[] => real.filter((r) => r.file === name || r.file.endsWith(name));
const identityOf = (r: RealHash): DeviceIdentity => {
  const id = decoded.get(r)?.identity;
  if (!id) throw new Error(`${r.file}: no identity`);
  return id;
};

describe('real hashes: container', needsRealHashes, () => {
  it('finds 64 hashes: 63 CSV rows and one OA3.xml', () => {
    expect(real).toHaveLength(64);
    expect(real.filter((r) => r.file.endsWith('.xml'))).toHaveLength(1);
    expect(new Set(real.map((r) => r.hash)).size).toBe(64);
  });

  it.each(real.map((r) => [r.file, r] as const))('%s decodes valid with no issue at all', (_file, r) => {
    const d = decoded.get(r);
    expect(d?.valid).toBe(true);
    expect(d?.issues).toEqual([]);
    expect(d?.paddingFixed).toBe(false);
    expect(d?.base64).toBe(r.hash);
    expect(d?.bytes?.length).toBe(3000);
  });

  it('every checksum is SHA-256 of bytes [0, header length), recomputed independently', () => {
    for (const r of real) {
      const b = Buffer.from(r.hash, 'base64');
      const total = b.readUInt16LE(2);
      expect(b.toString('latin1', total, total + 2)).toBe('CS');
      expect(b.subarray(total + 4, total + 36).toString('hex')).toBe(sha256Hex(b.subarray(0, total)));
    }
  });

  it('the record walk ends exactly at the header length', () => {
    for (const r of real) {
      const inv = decoded.get(r)?.inventory;
      const last = inv?.records.at(-1);
      expect(last && last.offset + last.length).toBe(Buffer.from(r.hash, 'base64').readUInt16LE(2));
    }
  });

  it('record 11 is SHA-256 of the EK in record 25 on all 62 hashes with a TPM', () => {
    const withTpm = real.filter((r) => decoded.get(r)?.inventory?.tpm.ekPublicKey != null);
    expect(withTpm).toHaveLength(62);
    for (const r of withTpm) {
      const tpm = decoded.get(r)?.inventory?.tpm;
      expect(tpm?.offlineDeviceId?.idType).toBe(1);
      expect(tpm?.offlineDeviceId?.hash).toBe(sha256Hex(Buffer.from(tpm?.ekPublicKey ?? '', 'hex')));
      expect(tpm?.ekPublicKey).toHaveLength(512); // RSA-2048 modulus
    }
    const noTpm = real.filter((r) => decoded.get(r)?.inventory?.tpm.ekPublicKey == null);
    for (const r of noTpm) expect(decoded.get(r)?.inventory?.tpm.offlineDeviceId?.idType).toBe(0x0103);
  });
});

describe('real hashes: fields against SOURCES.md', needsRealHashes, () => {
  it('SOURCES.md lists every file once', () => {
    expect(sources.map((s) => s.file).sort()).toEqual([...new Set(real.map((r) => r.file))].sort());
  });

  it.each(sources.map((s) => [s.file, s] as const))('%s: manufacturer, model, serial and ToolVersion match', (file, s) => {
    const [r] = byFile(file);
    const inv = decoded.get(r)?.inventory;
    expect(inv?.system.manufacturer).toBe(s.manufacturer);
    expect(inv?.system.model).toBe(s.model);
    expect(inv?.system.serialNumber).toBe(s.serialNumber);
    expect(inv?.build?.toolVersion).toBe(s.toolVersion);
  });

  it('the CSV serial equals the hash serial, except the two QEMU rows', () => {
    const csv = real.filter((r) => r.csvSerial !== null);
    expect(csv).toHaveLength(63);
    const differing = csv.filter((r) => r.csvSerial !== decoded.get(r)?.inventory?.system.serialNumber);
    expect(differing).toHaveLength(2);
    for (const r of differing) {
      expect(r.csvSerial).toBe('');
      expect(decoded.get(r)?.inventory?.system.manufacturer).toBe('QEMU');
      expect(decoded.get(r)?.inventory?.system.serialNumber).toBe('SMBIOS_STRING_INDEX_0');
    }
  });

  it('reads the documented field values (format-level facts, no identities)', () => {
    const dell = decoded.get(byFile('OA3.xml')[0])?.inventory;
    expect(dell?.build).toMatchObject({ toolBuild: '10.0.25398.1', osBuild: '10.0.25398.1', osType: 1, osTypeName: 'WinPE', architectureName: 'x64', toolVersion: 9 });
    expect(dell?.records[0]).toEqual({ type: 1, offset: 4, length: 28 });
    expect(dell?.processor.topology).toEqual({ architecture: 9, architectureName: 'x64', packages: 1, cores: 12, logicalProcessors: 16, hyperThreading: true });
    expect(dell?.locale?.timeZone).toBe('Pacific Standard Time');
    expect(dell?.system.smbiosUuid?.startsWith('4c4c4544-')).toBe(true); // the "DELL" UUID, little-endian first field
    const baseboards = real.map((r) => decoded.get(r)?.inventory?.baseboard.manufacturer);
    expect(baseboards).toContain('Intel Corporation'); // the VMware x64 VM: record 20 is the baseboard, not firmware
    const buses = new Set(real.flatMap((r) => decoded.get(r)?.inventory?.disks.map((d) => d.descriptor?.busTypeName) ?? []));
    expect([...buses].sort()).toEqual(['NVMe', 'SAS', 'SATA']); // 0x11, Hyper-V 0x0A, QEMU 0x0B
    const arm = real.find((r) => decoded.get(r)?.inventory?.build?.architecture === 12);
    expect(decoded.get(arm as RealHash)?.inventory?.processor.model).toBe('Apple silicon');
  });

  it('reads the time-zone byte in 15-minute units from ToolVersion 5 and in minutes for ToolVersion 3', () => {
    for (const r of real) {
      const build = decoded.get(r)?.inventory?.build;
      if (!build) throw new Error('no build record');
      const raw = Buffer.from(r.hash, 'base64').readInt8(4 + 4 + 20);
      expect(build.timeZoneOffsetMinutes).toBe(build.toolVersion >= 5 ? raw * 15 : raw);
    }
    const v3 = real.filter((r) => decoded.get(r)?.inventory?.build?.toolVersion === 3);
    expect(v3.map((r) => decoded.get(r)?.inventory?.build?.timeZoneOffsetMinutes)).toEqual([120]);
  });

  it('capture times fall in the years the files were committed', () => {
    for (const r of real) {
      const at = decoded.get(r)?.inventory?.build?.capturedAt ?? '';
      expect(at).toMatch(/^20(1[7-9]|2\d)-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it('pairs hybrid core classes with the processor summary (record 34 sums to record 2)', () => {
    for (const r of real) {
      const cpu = decoded.get(r)?.inventory?.processor;
      if (!cpu?.coreClasses || !cpu.topology) continue;
      expect(cpu.coreClasses.reduce((n, c) => n + c.cores, 0)).toBe(cpu.topology.cores);
      expect(cpu.coreClasses.reduce((n, c) => n + c.logicalProcessors, 0)).toBe(cpu.topology.logicalProcessors);
    }
  });

  it('pairs two GPUs laid out 29,29,30,30 in order', () => {
    const twoGpus = real.filter((r) => (decoded.get(r)?.inventory?.gpus.length ?? 0) === 2);
    expect(twoGpus.length).toBeGreaterThanOrEqual(2);
    for (const r of twoGpus) {
      const inv = decoded.get(r)?.inventory;
      expect(inv?.records.filter((x) => x.type === 29 || x.type === 30).map((x) => x.type)).toEqual([29, 29, 30, 30]);
      for (const g of inv?.gpus ?? []) expect(g.memory !== null && g.name !== null).toBe(true);
    }
  });
});

describe('real hashes: identity', needsRealHashes, () => {
  it('the identity read from the bytes equals deviceIdentity(inventory)', () => {
    for (const r of real) {
      const d = decoded.get(r);
      expect(d?.identity).toEqual(deviceIdentity(d?.inventory ?? fail()));
    }
  });

  it('61 distinct devices: clustering by shared keys and by SMBIOS UUID agree', () => {
    const ids = real.map(identityOf);
    const parent = ids.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) if (sameDevice(ids[i], ids[j])) parent[find(i)] = find(j);
    expect(new Set(ids.map((_, i) => find(i))).size).toBe(61);
    expect(new Set(ids.map((id) => id.smbiosUuid)).size).toBe(61);
  });

  // The same-device groups are found by SMBIOS UUID, so no serial number has to be written down here.
  const groups = (): RealHash[][] => {
    const byUuid = new Map<string, RealHash[]>();
    for (const r of real) {
      const uuid = identityOf(r).smbiosUuid ?? '';
      byUuid.set(uuid, [...(byUuid.get(uuid) ?? []), r]);
    }
    return [...byUuid.values()].filter((g) => g.length > 1).sort((a, b) => a.length - b.length);
  };

  it('exactly two devices were captured more than once: one twice, one three times', () => {
    expect(groups().map((g) => g.length)).toEqual([2, 3]);
  });

  it('the device captured with ToolVersion 8 and then 9 has identical keys', () => {
    const [pair] = groups();
    expect(pair.map((r) => decoded.get(r)?.inventory?.build?.toolVersion).sort()).toEqual([8, 9]);
    const [a, b] = pair.map(identityOf);
    expect(a.keys).toEqual(b.keys);
    expect(a.keys.map((k) => k.split(':')[0])).toEqual(['tuple', 'uuid', 'pkid', 'ek']);
    expect(sameDevice(a, b)).toBe(true);
  });

  it('the device captured three times has identical keys though the hashes differ', () => {
    const [, triple] = groups();
    const ids = triple.map(identityOf);
    expect(new Set(triple.map((r) => r.hash)).size).toBe(3);
    expect(new Set(triple.map((r) => decoded.get(r)?.inventory?.build?.capturedAt)).size).toBeGreaterThan(1);
    expect(ids[1].keys).toEqual(ids[0].keys);
    expect(ids[2].keys).toEqual(ids[0].keys);
    expect(ids[0].keys).toHaveLength(4);
  });

  it('the two QEMU VMs share a placeholder serial but are not the same device', () => {
    const qemu = real.filter((r) => decoded.get(r)?.inventory?.system.manufacturer === 'QEMU');
    expect(qemu).toHaveLength(2);
    const [a, b] = qemu.map(identityOf);
    for (const id of [a, b]) {
      expect(id.serialNumber).toBeNull();
      expect(id.tuple).toBeNull();
      expect(id.placeholders).toContain('serialNumber');
      expect(id.keys.some((k) => k.startsWith('tuple:'))).toBe(false);
    }
    expect(sameDevice(a, b)).toBe(false);
  });

  it('no two different devices share a key', () => {
    const owner = new Map<string, string>();
    for (const r of real) {
      const id = identityOf(r);
      for (const k of id.keys) {
        const prev = owner.get(k);
        if (prev !== undefined) expect(prev).toBe(id.smbiosUuid);
        owner.set(k, id.smbiosUuid ?? '');
      }
    }
  });
});

describe('real hashes: re-encoding', needsRealHashes, () => {
  it.each(real.map((r) => [r.file, r] as const))('%s re-encodes to the original bytes, and decodes to the same inventory', (_f, r) => {
    const d = decoded.get(r);
    const inv = d?.inventory ?? fail();
    const again = encodeHardwareHash(inv);
    expect(again.base64).toBe(r.hash);
    const d2 = decodeHardwareHash(again.base64);
    expect(d2.inventory).toEqual(inv);
    expect(d2.identity).toEqual(d?.identity);
  });

  it('without the layout (canonical order and encodings) the fields and identity still come back', () => {
    for (const r of real) {
      const d = decoded.get(r);
      const inv = structuredClone(d?.inventory ?? fail());
      const d2 = decodeHardwareHash(encodeHardwareHash({ ...inv, records: [] }).bytes);
      expect(d2.valid).toBe(true);
      expect(d2.issues).toEqual([]);
      expect({ ...d2.inventory, records: [] }).toEqual({ ...inv, records: [] });
      expect(d2.identity).toEqual(d?.identity);
    }
  });

  it('an edited field wins over the preserved bytes of its record', () => {
    // The AMD brand string has trailing spaces, so its record carries preserved bytes.
    const r = real.find((x) => decoded.get(x)?.inventory?.records.some((e) => e.type === 4 && e.preserved)) ?? fail();
    const inv = structuredClone(decoded.get(r)?.inventory ?? fail());
    inv.processor.model = 'Edited CPU';
    const d2 = decodeHardwareHash(encodeHardwareHash(inv).base64);
    expect(d2.inventory?.processor.model).toBe('Edited CPU');
    expect(d2.inventory?.records.find((e) => e.type === 4)?.preserved).toBeUndefined();
  });
});

function fail(): never {
  throw new Error('missing value');
}
