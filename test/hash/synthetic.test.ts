// syntheticInventory: deterministic, realistic, unique per seed, overridable.
import { describe, expect, it } from 'vitest';
import { decodeHardwareHash, encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import { sha256Hex } from './helpers.js';

describe('syntheticInventory', () => {
  it('is deterministic', () => {
    expect(syntheticInventory(123)).toEqual(syntheticInventory(123));
    expect(encodeHardwareHash(syntheticInventory(123)).base64).toBe(encodeHardwareHash(syntheticInventory(123)).base64);
    expect(syntheticInventory(123)).not.toEqual(syntheticInventory(124));
  });

  it('looks like ToolVersion 8/9 hardware from the four makers, at real-world sizes', () => {
    const makers = new Set<string>();
    const sizes: number[] = [];
    for (let seed = 0; seed < 400; seed++) {
      const inv = syntheticInventory(seed);
      const { bytes } = encodeHardwareHash(inv);
      sizes.push(Buffer.from(bytes).readUInt16LE(2));
      makers.add(inv.system.manufacturer ?? '');
      expect([8, 9]).toContain(inv.build?.toolVersion);
      expect(inv.disks.length).toBeGreaterThanOrEqual(1);
      expect(inv.disks.length).toBeLessThanOrEqual(2);
      expect(inv.networkAdapters.length).toBeGreaterThanOrEqual(1);
      expect(inv.networkAdapters.length).toBeLessThanOrEqual(3);
      expect(inv.tpm.ekPublicKey).toMatch(/^[89a-f][0-9a-f]{510}[13579bdf]$/); // RSA-2048: top bit set, odd
      expect(inv.tpm.offlineDeviceId?.hash).toBe(sha256Hex(Buffer.from(inv.tpm.ekPublicKey ?? '', 'hex')));
      expect(inv.productKey.productKeyId).toMatch(/^\d{13}$/);
      const types = inv.records.map((r) => r.type);
      expect(types.includes(37)).toBe(inv.build?.toolVersion === 9);
      if (inv.processor.coreClasses) {
        expect(inv.processor.coreClasses.reduce((n, c) => n + c.cores, 0)).toBe(inv.processor.topology?.cores);
      }
    }
    expect([...makers].sort()).toEqual(['Dell Inc.', 'HP', 'LENOVO', 'Microsoft Corporation']);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(900);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1400);
  });

  it('gives every seed its own serial, UUID, MACs, disk serials, PKID and EK', () => {
    const seen = new Set<string>();
    const add = (kind: string, value: string | null | undefined): void => {
      const key = `${kind}:${value}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    };
    for (let seed = 0; seed < 2000; seed++) {
      const inv = syntheticInventory(seed);
      add('serial', inv.system.serialNumber);
      add('uuid', inv.system.smbiosUuid);
      add('pkid', inv.productKey.productKeyId);
      add('ek', inv.tpm.ekPublicKey);
      for (const n of inv.networkAdapters) add('mac', n.macAddress);
      for (const d of inv.disks) add('disk', d.serial?.serialNumber);
    }
  });

  it('MAC addresses are locally administered unicast, never a real vendor prefix', () => {
    for (let seed = 0; seed < 200; seed++) {
      for (const n of syntheticInventory(seed).networkAdapters) expect(parseInt(n.macAddress.slice(0, 2), 16) & 0x03).toBe(0x02);
    }
  });

  it('takes overrides: maker, ToolVersion, any field; arrays and null replace', () => {
    const inv = syntheticInventory(5, {
      vendor: 'Dell',
      build: { toolVersion: 8 },
      system: { serialNumber: 'ABC1234' },
      networkAdapters: [],
      locale: null,
    });
    expect(inv.system.manufacturer).toBe('Dell Inc.');
    expect(inv.system.serialNumber).toBe('ABC1234');
    expect(inv.build?.toolVersion).toBe(8);
    expect(inv.networkAdapters).toEqual([]);
    expect(inv.records.map((r) => r.type)).not.toContain(37);
    const d = decodeHardwareHash(encodeHardwareHash(inv).base64);
    expect(d.valid).toBe(true);
    expect(d.inventory).toEqual(inv);
  });

  it('recomputes the EK hash when the EK is overridden', () => {
    const ek = 'c'.repeat(510) + '01';
    const inv = syntheticInventory(6, { tpm: { ekPublicKey: ek } });
    expect(inv.tpm.offlineDeviceId?.hash).toBe(sha256Hex(Buffer.from(ek, 'hex')));
    expect(decodeHardwareHash(encodeHardwareHash(inv).base64).valid).toBe(true);
  });

  it('can describe a machine without a TPM', () => {
    const inv = syntheticInventory(7, { tpm: { version: null, ekPublicKey: null, offlineDeviceId: null } });
    const d = decodeHardwareHash(encodeHardwareHash(inv).base64);
    expect(d.valid).toBe(true);
    expect(d.identity?.tpmEkHash).toBeNull();
  });

  it('does not share objects between calls', () => {
    const a = syntheticInventory(8);
    a.disks[0].descriptor = null;
    a.system.model = 'changed';
    expect(syntheticInventory(8).disks[0].descriptor).not.toBeNull();
    expect(syntheticInventory(8).system.model).not.toBe('changed');
  });
});
