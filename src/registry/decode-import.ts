// One decode of an imported hash, for both sides of the import: the accept path (POST …/import) decodes each hash to
// check it and to find duplicates within the request, and keeps what the worker needs (keys, serial number, product
// key ID, hardware fields) in the row, so the worker registers without decoding the hash a second time.
import { decodeHardwareHash, skuAndFamilyOf } from '../hash/index.js';
import { registryKeys } from './identity-keys.js';
import { hardwareFields } from './new-device.js';
import type { DecodedImport } from './ports.js';

export interface ImportDecode {
  /** The hash's bytes; null when the text is not base64. */
  bytes: Uint8Array | null;
  decoded: DecodedImport;
  /** The first problem the codec found, for error messages. */
  issue: string | undefined;
}

/** Decodes `hash` (base64 text or bytes) for the import row whose serial number is `rowSerialNumber`. */
export function decodeImport(hash: string | Uint8Array, rowSerialNumber: string): ImportDecode {
  const result = decodeHardwareHash(hash);
  const identity = result.identity;
  const issue = result.issues[0]?.message;
  if (!result.valid || identity === null) return { bytes: result.bytes, decoded: { valid: false }, issue };
  return {
    bytes: result.bytes,
    issue,
    decoded: {
      valid: true,
      keys: registryKeys(identity, rowSerialNumber),
      serialNumber: identity.serialNumber,
      productKeyId: identity.productKeyId,
      hardware: hardwareFields(identity, skuAndFamilyOf(result)),
    },
  };
}
