// Accepting imported device identities (Graph create and `import`): store them as `unknown`, for the worker to
// register. Devices that share an identity key within one request are settled here: the first is processed, the
// rest get ZtdDeviceDuplicated (judged by the device's identity, not by the text of its hash). Each hash is decoded
// here once; the row carries what the worker needs from it (decodeImport), so the worker does not decode it again.
import { decodeImport } from './decode-import.js';
import { RegistryError, ZTD_ERRORS } from './errors.js';
import { keyString } from './identity-keys.js';
import type { DecodedImport, ImportedDevice } from './ports.js';
import { newImportedDevice } from './new-imported-device.js';
import type { Store } from '../ports.js';

/** Most devices one request may import (Intune's CSV limit is 500 a file; Graph documents none). */
export const MAX_IMPORT_ITEMS = 10_000;

/**
 * The longest hardwareIdentifier text accepted (a real hash is ~5,500 characters of base64). Checked here, not by
 * the route's JSON schema: a schema's maxLength counts characters one by one (ajv's ucs2length), ~6 ms for a
 * 500-device import, where a string's length is free.
 */
export const MAX_HASH_TEXT_LENGTH = 65_536;

export interface ImportItem {
  importId?: string | null | undefined;
  groupTag?: string | null | undefined;
  serialNumber?: string | null | undefined;
  productKey?: string | null | undefined;
  /** Base64 hardware hash (Edm.Binary); empty or missing means none. */
  hardwareIdentifier?: string | null | undefined;
  assignedUserPrincipalName?: string | null | undefined;
}

export interface ImportDevicesInput {
  tenantId: string;
  items: ImportItem[];
  now: Date;
  /** How to name item `i` in error messages, e.g. `importedWindowsAutopilotDeviceIdentities[3]`. */
  itemName: (index: number) => string;
}

/** Checks, decodes and stores a request's devices: acceptImportItems, then queueImportedDevices. */
export async function importDevices(store: Store, input: ImportDevicesInput): Promise<ImportedDevice[]> {
  return queueImportedDevices(store, acceptImportItems(input));
}

/** Stores accepted rows for the worker (nothing to store: nothing done); returns them. */
export async function queueImportedDevices(store: Store, rows: ImportedDevice[]): Promise<ImportedDevice[]> {
  if (rows.length > 0) await store.imports.insertMany(rows);
  return rows;
}

/**
 * A request's devices as the rows to queue, in the order sent, without I/O: each hash checked and decoded, and the
 * later devices of an identity seen earlier in the request marked ZtdDeviceDuplicated. Throws a RegistryError naming
 * the first item that cannot be accepted (nothing is stored then). The rows hold each hash as bytes, not its text.
 */
export function acceptImportItems(input: ImportDevicesInput): ImportedDevice[] {
  if (input.items.length > MAX_IMPORT_ITEMS) {
    throw new RegistryError('InvalidInput', `One request imports at most ${MAX_IMPORT_ITEMS} devices (got ${input.items.length}); split the list.`);
  }
  const now = input.now.toISOString();
  const seen = new Set<string>();
  const rows = input.items.map((item, i): ImportedDevice => {
    const hashText = item.hardwareIdentifier ?? '';
    if (hashText.length > MAX_HASH_TEXT_LENGTH) {
      throw new RegistryError(
        'InvalidInput',
        `${input.itemName(i)}.hardwareIdentifier is ${hashText.length} characters long; a hardware hash is at most ${MAX_HASH_TEXT_LENGTH} characters of base64.`,
      );
    }
    const text = hashText.trim();
    let bytes: Buffer | null = null;
    let decoded: DecodedImport | null = null;
    let duplicated = false;
    const serialNumber = (item.serialNumber ?? '').trim();
    if (text !== '') {
      const result = decodeImport(text, serialNumber);
      if (result.bytes === null) {
        throw new RegistryError(
          'InvalidInput',
          `${input.itemName(i)}.hardwareIdentifier is not base64 (Edm.Binary): ${result.issue ?? 'unreadable'}. Send the "Hardware Hash" column of the CSV as is.`,
        );
      }
      bytes = Buffer.from(result.bytes.buffer, result.bytes.byteOffset, result.bytes.byteLength);
      decoded = result.decoded;
      if (decoded.valid) {
        const keys = decoded.keys.map(keyString);
        duplicated = keys.some((k) => seen.has(k));
        for (const k of keys) seen.add(k);
      }
    }
    return newImportedDevice(
      {
        tenantId: input.tenantId,
        importId: (item.importId ?? '').trim(),
        groupTag: (item.groupTag ?? '').trim(),
        serialNumber,
        productKey: (item.productKey ?? '').trim(),
        hardwareIdentifier: bytes,
        assignedUserPrincipalName: (item.assignedUserPrincipalName ?? '').trim(),
        status: duplicated ? 'error' : 'unknown',
        deviceErrorCode: duplicated ? ZTD_ERRORS.ZtdDeviceDuplicated : 0,
        deviceErrorName: duplicated ? 'ZtdDeviceDuplicated' : '',
        decoded,
      },
      now,
    );
  });
  return rows;
}
