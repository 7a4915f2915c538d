// The OA3 container (hardware-hash-format.md §1): "OA", u16 total, TLV records up to `total`, a "CS" SHA-256 record
// at `total`, zero padding to 3000 bytes.
//
// `scanContainer` is the whole validation in one walk: record bounds, record shapes (via record-shape.ts, which the
// inventory reader shares), repeats, the checksum, the TPM EK hash, the padding and the size. It creates no object
// per record; the record list and the inventory are built later, only if someone asks (see decode.ts).
// Each problem is reported once, at the byte where it shows.
import { digestEquals, hexOf, sha256Hex, sha256Latin1, u16, view } from './bytes.js';
import { RECOLLECT, error, warning } from './issues.js';
import { bytes as platform } from './platform.js';
import { OFFLINE_ID_TPM_EK } from './names.js';
import { fixedSize, KIND, KIND_SHAPED, KIND_SINGLE, recordShape, SHAPE_LONG, SHAPE_UNREADABLE, unreadableReason } from './record-shape.js';
import {
  CHECKSUM_RECORD_LENGTH,
  CHECKSUM_TYPE,
  HASH_SIZE,
  HEADER_LENGTH,
  MAGIC_A,
  MAGIC_O,
  Rec,
  RECORD_HEADER_LENGTH,
  recordName,
} from './records.js';
import type { IdentityRecords } from './identity.js';
import type { HashIssue, RecordEntry } from './types.js';

/** The walk's result, with the offsets of the records the identity needs (-1 when absent), so decode.ts can build
 *  the identity without building the inventory. */
export interface ContainerScan extends IdentityRecords {
  /** The header length: where the signed region ends and the checksum record starts. */
  total: number;
  /** Where the walk stopped: `total` when every record was sound; records before it are all walkable. */
  walkEnd: number;
  /** The build record the inventory reads `build` from (the first, when readable), or -1. */
  buildAt: number;
  /** The SKU and family records (the first of each), or -1: what a registration keeps besides the identity. */
  skuAt: number;
  familyAt: number;
}

// The record types the walk notes, as module constants: the switch below then compares with literals instead of
// loading Rec's properties for every record.
const BUILD = Rec.Build;
const MANUFACTURER = Rec.Manufacturer;
const MODEL = Rec.Model;
const SERIAL_NUMBER = Rec.SerialNumber;
const SMBIOS_UUID = Rec.SmbiosUuid;
const PRODUCT_KEY_ID = Rec.ProductKeyId;
const OFFLINE_DEVICE_ID = Rec.OfflineDeviceId;
const TPM_EK_PUBLIC_KEY = Rec.TpmEkPublicKey;
const SKU = Rec.Sku;
const FAMILY = Rec.Family;

// Scratch state of the walk, reused across calls (decoding is synchronous, so calls never overlap): seen[t] is
// the walk (`walk`, bumped per call) that last saw a record of type t, so it needs no clearing.
const seen = new Uint32Array(64);
let walk = 0;

/** Validates the hash in b[0, n), pushing every problem to `issues`. Returns null when the bytes cannot be walked
 *  at all (fewer than 4 bytes, wrong magic); the inventory is unavailable then. */
export function scanContainer(b: Uint8Array, n: number, issues: HashIssue[]): ContainerScan | null {
  if (n < HEADER_LENGTH) {
    issues.push(
      error('HashTooShort', n, `Hardware hash decodes to only ${n} byte(s), too short for its 4-byte header: the text is cut off; ${RECOLLECT}.`),
    );
    return null;
  }
  if (b[0] !== MAGIC_O || b[1] !== MAGIC_A) {
    issues.push(
      error(
        'BadMagic',
        b[0] !== MAGIC_O ? 0 : 1,
        `Hardware hash does not start with the OA3 magic "OA" (found 0x${hex2(b[0])} 0x${hex2(b[1])}): this is not an Autopilot hardware hash, or its start was damaged; check that the Hardware Hash column was copied, or ${RECOLLECT}.`,
      ),
    );
    return null;
  }
  const total = u16(b, 2);
  if (total < HEADER_LENGTH) {
    issues.push(
      error('RecordWalkMismatch', 2, `Hash header length ${total} at byte 2 ends inside the header itself: the hash is corrupt; ${RECOLLECT}.`),
    );
    return noRecords(total);
  }
  // Bytes ending before the checksum record: reported as HashTooShort after the walk, unless the walk shows that
  // the header length is what is wrong (see below).
  const complete = total + CHECKSUM_RECORD_LENGTH <= n;
  const limit = complete || total < n ? total : n;
  let headerDamaged = false;

  if (++walk === 0xffffffff) {
    seen.fill(0);
    walk = 1;
  }
  const scan = noRecords(total);
  let o = HEADER_LENGTH;
  while (o < limit) {
    if (o + RECORD_HEADER_LENGTH > limit) {
      if (complete) {
        issues.push(
          error(
            'RecordWalkMismatch',
            o,
            `Hash records end at byte ${o}, ${total - o} byte(s) short of the length ${total} in the header: the hash is corrupt; ${RECOLLECT}.`,
          ),
        );
      }
      break;
    }
    const type = u16(b, o);
    const length = u16(b, o + 2);
    if (!complete && (length < RECORD_HEADER_LENGTH || o + length > limit)) break; // past the cut: HashTooShort says it all
    if (type === CHECKSUM_TYPE && length === CHECKSUM_RECORD_LENGTH) {
      // The checksum record before the header length: the records end here, the header length is what is wrong.
      headerDamaged = true;
      issues.push(
        error(
          'RecordWalkMismatch',
          o,
          `Hash records end at byte ${o} with the checksum record, but the header at byte 2 says ${total}: the header was damaged; ${RECOLLECT}.`,
        ),
      );
      break;
    }
    if (length < RECORD_HEADER_LENGTH) {
      issues.push(
        error('RecordTooShort', o, `Hash record at byte ${o} (type ${type}) has length ${length}, below the 4-byte minimum: the hash is corrupt; ${RECOLLECT}.`),
      );
      break;
    }
    if (o + length > limit) {
      issues.push(
        error(
          'RecordOverrun',
          o,
          `Hash record at byte ${o} (type ${type}, length ${length}) runs past the signed length ${total} in the header: the hash is corrupt; ${RECOLLECT}.`,
        ),
      );
      break;
    }

    // The record is in bounds: check what it holds (the common record costs two table reads).
    const t = type < 64 ? type : 0;
    const kind = KIND[t];
    if (kind !== 0) {
      if ((kind & KIND_SINGLE) !== 0) {
        if (seen[t] === walk) {
          issues.push(
            warning(
              'DuplicateRecord',
              o,
              `Hash record type ${type} (${recordName(type)}) at byte ${o} repeats a record that should appear once; the first one is used and this one is kept as bytes.`,
            ),
          );
          o += length;
          continue;
        }
        seen[t] = walk;
      }
      if ((kind & KIND_SHAPED) !== 0 && fixedSize(t) !== length - RECORD_HEADER_LENGTH) {
        const p = o + RECORD_HEADER_LENGTH;
        const shape = recordShape(b, t, p, o + length);
        if (shape === SHAPE_UNREADABLE) {
          issues.push(
            error(
              'MalformedRecord',
              o,
              `Hash record type ${type} (${recordName(type)}) at byte ${o} ${unreadableReason(b, t, p, o + length)}, so it cannot be read: the hash was built by a broken tool or edited; ${RECOLLECT}.`,
            ),
          );
          o += length;
          continue;
        }
        if (shape === SHAPE_LONG) {
          issues.push(
            warning(
              'UnexpectedRecordSize',
              o,
              `Hash record type ${type} (${recordName(type)}) at byte ${o} has a ${length - RECORD_HEADER_LENGTH}-byte payload, longer than the known ${fixedSize(t)}; the known fields were read and the rest kept as bytes (a newer format?).`,
            ),
          );
        }
      }
      switch (t) {
        case BUILD: scan.buildAt = o; break;
        case MANUFACTURER: scan.manufacturerAt = o; break;
        case MODEL: scan.modelAt = o; break;
        case SERIAL_NUMBER: scan.serialNumberAt = o; break;
        case SKU: scan.skuAt = o; break;
        case FAMILY: scan.familyAt = o; break;
        case SMBIOS_UUID: scan.smbiosUuidAt = o; break;
        case PRODUCT_KEY_ID: scan.productKeyIdAt = o; break;
        case OFFLINE_DEVICE_ID: scan.offlineIdAt = o; break;
        case TPM_EK_PUBLIC_KEY: scan.ekAt = o; break;
      }
    }
    o += length;
  }

  scan.walkEnd = o;
  if (!complete && !headerDamaged) {
    issues.push(
      error(
        'HashTooShort',
        n,
        `Hardware hash is cut short at byte ${n}: its header says the records and checksum run to byte ${total + CHECKSUM_RECORD_LENGTH}; the text was truncated when it was copied; ${RECOLLECT}.`,
      ),
    );
  }
  if (complete) checkTrailer(b, n, total, issues);
  if (scan.offlineIdAt >= 0) checkEkHash(b, scan, issues);
  return scan;
}

function noRecords(total: number): ContainerScan {
  return {
    total,
    walkEnd: HEADER_LENGTH,
    buildAt: -1,
    skuAt: -1,
    familyAt: -1,
    manufacturerAt: -1,
    modelAt: -1,
    serialNumberAt: -1,
    smbiosUuidAt: -1,
    productKeyIdAt: -1,
    offlineIdAt: -1,
    ekAt: -1,
    offlineIdHash: null,
  };
}

/** The records before `walkEnd` (all known to be in bounds), in file order. */
export function listRecords(b: Uint8Array, walkEnd: number): RecordEntry[] {
  const records: RecordEntry[] = [];
  for (let o = HEADER_LENGTH; o < walkEnd; ) {
    const length = u16(b, o + 2);
    records.push({ type: u16(b, o), offset: o, length });
    o += length;
  }
  return records;
}


/** The "CS" record, the SHA-256 over [0, total), the zero padding and the size. */
function checkTrailer(b: Uint8Array, n: number, total: number, issues: HashIssue[]): void {
  if (u16(b, total) !== CHECKSUM_TYPE || u16(b, total + 2) !== CHECKSUM_RECORD_LENGTH) {
    issues.push(
      error(
        'MissingChecksum',
        total,
        `Hash has no checksum record ("CS", length 36) at byte ${total}, where its header says the records end: the hash is corrupt or was built by a broken tool; ${RECOLLECT}.`,
      ),
    );
  } else if (!digestEquals(b, total + 4, sha256Latin1(view(b, 0, total)))) {
    issues.push(
      error('ChecksumMismatch', total, `Hash checksum does not match at byte ${total}: the hash was altered or truncated after capture; ${RECOLLECT}.`),
    );
  }
  const nonZero = firstNonZero(b, total + CHECKSUM_RECORD_LENGTH, n);
  if (nonZero >= 0) {
    issues.push(
      warning(
        'NonZeroPadding',
        nonZero,
        `Hash padding after the checksum is not zero at byte ${nonZero}: the hash was probably edited after capture; it still verifies, but ${RECOLLECT} if registration fails.`,
      ),
    );
  }
  if (n !== HASH_SIZE) {
    issues.push(
      warning(
        'UnexpectedSize',
        n,
        `Hash decodes to ${n} bytes instead of the usual ${HASH_SIZE} (4000 base64 characters); it verifies, so it is accepted, but ${RECOLLECT} if Intune rejects it.`,
      ),
    );
  }
}

/** Record 11 with ID type 1 must hold SHA-256 of the record 25 bytes. Keeps that hash's hex for the identity. */
function checkEkHash(b: Uint8Array, scan: ContainerScan, issues: HashIssue[]): void {
  const o = scan.offlineIdAt;
  const p = o + RECORD_HEADER_LENGTH;
  if (u16(b, p + 4) !== OFFLINE_ID_TPM_EK) return; // other ID types are not derived from the EK
  const hashLength = u16(b, p + 6);
  const ek = scan.ekAt;
  if (ek >= 0) {
    const digest = sha256Hex(view(b, ek + RECORD_HEADER_LENGTH, ek + u16(b, ek + 2)));
    // The stored hash as hex (one native call) against the digest: a string compare, cheaper than a JS loop.
    if (hashLength === 32 && digest === hexOf(b, p + 10, p + 42)) {
      scan.offlineIdHash = digest; // the same hex the stored bytes give, without building it again
      return;
    }
    issues.push(
      error(
        'TpmEkHashMismatch',
        o,
        `TPM EK hash in record 11 at byte ${o} is not the SHA-256 of the EK public key in record 25: the hash was edited or forged; ${RECOLLECT}.`,
      ),
    );
  }
  scan.offlineIdHash = hexOf(b, p + 10, p + 10 + hashLength);
}

function firstNonZero(b: Uint8Array, start: number, end: number): number {
  // Node compares natively in blocks against a zero block (platform-node.ts).
  return platform.firstNonZero(b, start, end);
}

function hex2(x: number): string {
  return (x < 16 ? '0' : '') + x.toString(16);
}
