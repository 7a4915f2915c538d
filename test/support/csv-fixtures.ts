// Test fixtures for the CSV toolkit. Every device here is synthetic (syntheticInventory + encodeHardwareHash); the
// real files are only ever read in place (test/support/real-hashes.ts), never copied.
import { cp1252Byte } from '../../src/csv/encoding.js';
import { encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import type { HardwareInventory } from '../../src/hash/index.js';

export const H3 = 'Device Serial Number,Windows Product ID,Hardware Hash';
export const H4 = `${H3},Group Tag`;
export const H5 = `${H4},Assigned User`;
export const HP = `${H3},Manufacturer name,Device model`;

export type FixtureEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Encodes text the way an editor would save it. */
export function encode(text: string, encoding: FixtureEncoding, bom = false): Uint8Array {
  switch (encoding) {
    case 'utf-8':
      return Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
    case 'utf-16le':
      return Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')]);
    case 'utf-16be':
      return Buffer.concat([bom ? Buffer.from([0xfe, 0xff]) : Buffer.alloc(0), Buffer.from(text, 'utf16le').swap16()]);
    case 'windows-1252': {
      const out = Buffer.alloc(text.length);
      for (let i = 0; i < text.length; i++) {
        const b = cp1252Byte(text.charCodeAt(i));
        if (b < 0) throw new Error(`windows-1252 cannot encode ${text[i]}`);
        out[i] = b;
      }
      return out;
    }
  }
}

/** Lines → file text with the given line ending after every line. */
export function lines(rows: string[], eol = '\r\n'): string {
  return rows.map((r) => r + eol).join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Synthetic devices (the codec's syntheticInventory + encodeHardwareHash).
// ---------------------------------------------------------------------------------------------------------------

export interface FakeDevice {
  inventory: HardwareInventory;
  /** Padded base64 hash. */
  hash: string;
  serial: string;
  manufacturer: string;
  model: string;
  capturedAt: string;
}

/** A realistic synthetic device; `edit` may change the inventory before it is encoded. */
export function fakeDevice(seed: number, edit?: (inv: HardwareInventory) => void): FakeDevice {
  const inventory = structuredClone(syntheticInventory(seed));
  edit?.(inventory);
  const { base64 } = encodeHardwareHash(inventory);
  return {
    inventory,
    hash: base64,
    serial: inventory.system.serialNumber ?? '',
    manufacturer: inventory.system.manufacturer ?? '',
    model: inventory.system.model ?? '',
    capturedAt: inventory.build?.capturedAt ?? '',
  };
}

/** The same device captured again at another time (a different hash text, the same identity keys). */
export function recapture(seed: number, capturedAt: string): FakeDevice {
  return fakeDevice(seed, (inv) => {
    if (inv.build) inv.build.capturedAt = capturedAt;
  });
}

/** `Serial,,Hash` rows for seeds. */
export function rows(seeds: number[]): string[] {
  return seeds.map((s) => {
    const d = fakeDevice(s);
    return `${d.serial},,${d.hash}`;
  });
}

/** The hash of `hash`'s bytes minus the last (zero) byte, without its "=": what issue #6150's unpadded hash looked like. */
export function unpaddedHash(hash: string): string {
  const bytes = Buffer.from(hash, 'base64');
  return bytes.subarray(0, bytes.length - 1).toString('base64').replace(/=+$/, '');
}

/** A base64 character in the middle of the signed region changed: the SHA-256 trailer no longer matches. */
export function damagedHash(hash: string, at = 200): string {
  const c = hash[at] === 'A' ? 'B' : 'A';
  return hash.slice(0, at) + c + hash.slice(at + 1);
}
