// Synthetic lab devices for the lifecycle walks (Tarmac's own encoder; never a real hash).
import { randomBytes } from 'node:crypto';
import { encodeHardwareHash, syntheticInventory, type SyntheticOverrides } from '../../src/hash/index.js';

/** A synthetic device with a fixed serial. */
export function labHash(seed: number, serial: string, overrides: SyntheticOverrides = {}): string {
  return encodeHardwareHash(syntheticInventory(seed, { vendor: 'HP', ...overrides, system: { serialNumber: serial, ...overrides.system } })).base64;
}

/** The same device after a motherboard swap: the OEM keeps the serial, but the SMBIOS UUID and the TPM are new. */
export function swappedBoardHash(seed: number, serial: string): string {
  return labHash(seed, serial, {
    system: { serialNumber: serial, smbiosUuid: '0badb0a2-d000-4000-8000-00000000b0a2' },
    tpm: { ekPublicKey: randomBytes(256).toString('hex') },
  });
}
