// decodeHardwareHash / validateHardwareHash.
//
// Cost model: the floor any validator pays is base64 decoding plus one SHA-256 of the signed region. On top of it,
// decode does one walk that checks every record without creating objects (container.ts), one more SHA-256 (the
// EK check) and the identity, read straight from the few records it needs. Text input is decoded into a reused
// scratch buffer, so a valid hash costs no byte allocation at all.
//
// What is costly and often unused is built on first read and then kept: `bytes` (copied from the scratch buffer if
// no decode reused it since, else re-decoded from the canonical base64) and `inventory` (a hundred fields and a few
// dozen strings). Both are getters that turn into plain own properties on first read (see LazyDecodedHash), so bulk
// validation never pays for them.
import { decodeBase64Hash, scratchGeneration } from './base64.js';
import { asBuffer, guidOf, seconds2000FromIso, sha256Hex, u16, u32 } from './bytes.js';
import { bytes as platform } from './platform.js';
import { listRecords, scanContainer, type ContainerScan } from './container.js';
import { buildIdentity, identityFromRecords } from './identity.js';
import { hasError } from './issues.js';
import { readInventory } from './read-inventory.js';
import { RECORD_HEADER_LENGTH } from './records.js';
import type { DecodedHash, DeviceIdentity, HardwareInventory, HashIssue, HashValidation } from './types.js';

/** Decodes and validates a hardware hash: base64 text (padded or not; whitespace and quotes around it are fine)
 *  or the decoded bytes. Never throws on bad input: every problem is an issue. */
export function decodeHardwareHash(input: string | Uint8Array): DecodedHash {
  if (typeof input !== 'string') {
    const bytes = asBuffer(input);
    const issues: HashIssue[] = [];
    const scan = scanContainer(bytes, bytes.length, issues);
    const base64 = platform.base64(bytes, 0, bytes.length);
    if (scan === null) return { valid: false, issues, paddingFixed: false, base64, bytes, inventory: null, identity: null };
    return new LazyDecodedHash(!hasError(issues), issues, false, base64, identityFromBytes(bytes, scan), scan, bytes, 0, -1);
  }
  const text = decodeBase64Hash(input);
  const generation = scratchGeneration();
  const { scratch, base64, issues, paddingFixed } = text;
  if (scratch === null || base64 === null) {
    return { valid: false, issues, paddingFixed: false, base64: null, bytes: null, inventory: null, identity: null };
  }
  const scan = scanContainer(scratch, text.length, issues);
  if (scan === null) {
    return { valid: false, issues, paddingFixed, base64, bytes: bytesOfBase64(base64), inventory: null, identity: null };
  }
  const identity = identityFromBytes(scratch, scan);
  return new LazyDecodedHash(!hasError(issues), issues, paddingFixed, base64, identity, scan, scratch, text.length, generation);
}

/** The bytes of base64 hash text (trimmed and re-padded as `decodeHardwareHash` does), copied out, with no check of
 *  what they hold; null when the text is not base64 (`decodeHardwareHash` says why). For a lookup by the exact bytes
 *  before, or instead of, a full decode: a PC presenting its registered hash needs nothing more. */
export function hashTextBytes(input: string): Uint8Array | null {
  const text = decodeBase64Hash(input);
  if (text.scratch === null) return null;
  const bytes = platform.allocUnsafe(text.length);
  bytes.set(text.scratch.subarray(0, text.length));
  return bytes;
}

/** The validity part of `decodeHardwareHash`: the same checks, without identity, inventory or bytes. */
export function validateHardwareHash(input: string | Uint8Array): HashValidation {
  if (typeof input !== 'string') {
    const bytes = asBuffer(input);
    const issues: HashIssue[] = [];
    scanContainer(bytes, bytes.length, issues);
    return { valid: !hasError(issues), issues, paddingFixed: false };
  }
  const text = decodeBase64Hash(input);
  if (text.scratch !== null) scanContainer(text.scratch, text.length, text.issues);
  return { valid: !hasError(text.issues), issues: text.issues, paddingFixed: text.paddingFixed };
}

/** Seconds since 2000 of `inventory.build.capturedAt` (-1 when there is none), without building the inventory:
 *  what bulk checks that need only the capture time (the CSV duplicate message) read. */
export function captureSecondsOf(d: { readonly inventory: { build: { capturedAt: string | null } | null } | null }): number {
  if (d instanceof LazyDecodedHash) return d.captureSeconds();
  const at = d.inventory?.build?.capturedAt;
  return at === undefined || at === null ? -1 : seconds2000FromIso(at);
}

/** The system's SKU and family as `inventory.system` holds them, without building the inventory: what a
 *  registration keeps of the hash besides its identity (src/registry/new-device.ts hardwareFields). */
export function skuAndFamilyOf(d: Pick<DecodedHash, 'inventory'>): SkuAndFamily {
  if (d instanceof LazyDecodedHash) return d.skuAndFamily();
  const system = d.inventory?.system;
  return { sku: system?.sku ?? null, family: system?.family ?? null };
}

export interface SkuAndFamily {
  sku: string | null;
  family: string | null;
}

/** A decode result whose `bytes` and `inventory` are built on first read. Each then becomes an own, enumerable data
 *  property, so `{ ...result }` and deep equality see it; before the first read only the getter and `toJSON` do. */
class LazyDecodedHash implements DecodedHash {
  readonly #scan: ContainerScan;
  /** Our own bytes once made; before that, possibly the shared scratch buffer (see #materialBytes). */
  #bytes: Uint8Array | null;
  #length: number;
  /** The scratch generation `#bytes` belongs to; -1 when `#bytes` is our own. */
  #generation: number;

  constructor(
    public valid: boolean,
    public issues: HashIssue[],
    public paddingFixed: boolean,
    public base64: string | null,
    public identity: DeviceIdentity | null,
    scan: ContainerScan,
    bytes: Uint8Array,
    length: number,
    generation: number,
  ) {
    this.#scan = scan;
    this.#bytes = bytes;
    this.#length = length;
    this.#generation = generation;
  }

  get bytes(): Uint8Array | null {
    const bytes = this.#materialBytes();
    this.bytes = bytes;
    return bytes;
  }

  set bytes(value: Uint8Array | null) {
    Object.defineProperty(this, 'bytes', { value, writable: true, enumerable: true, configurable: true });
  }

  get inventory(): HardwareInventory | null {
    // The inventory keeps no reference to the bytes it is read from (see #bytesToRead).
    const bytes = this.#bytesToRead();
    const scan = this.#scan;
    const inventory = bytes === null ? null : readInventory(bytes, listRecords(bytes, scan.walkEnd), scan.offlineIdHash);
    this.inventory = inventory;
    return inventory;
  }

  set inventory(value: HardwareInventory | null) {
    Object.defineProperty(this, 'inventory', { value, writable: true, enumerable: true, configurable: true });
  }

  /** See captureSecondsOf: the u32 the build record holds at payload byte 16. */
  captureSeconds(): number {
    const at = this.#scan.buildAt;
    if (at < 0) return -1;
    const bytes = this.#bytesToRead();
    return bytes === null ? -1 : u32(bytes, at + RECORD_HEADER_LENGTH + 16);
  }

  /** See skuAndFamilyOf: the two records' strings, read as the inventory reads them. */
  skuAndFamily(): SkuAndFamily {
    const { skuAt, familyAt } = this.#scan;
    if (skuAt < 0 && familyAt < 0) return { sku: null, family: null };
    const bytes = this.#bytesToRead();
    if (bytes === null) return { sku: null, family: null };
    return { sku: cString(bytes, skuAt), family: cString(bytes, familyAt) };
  }

  toJSON(): DecodedHash {
    const { valid, issues, paddingFixed, base64, bytes, inventory, identity } = this;
    return { valid, issues, paddingFixed, base64, bytes, inventory, identity };
  }

  /** The bytes to read a value from and let go: while the scratch buffer still holds ours, the scratch buffer itself,
   *  without the copy (a fresh 3 KB Buffer costs about as much as the base64 decode); else our own copy. */
  #bytesToRead(): Uint8Array | null {
    return this.#generation >= 0 && this.#generation === scratchGeneration() ? this.#bytes : this.#materialBytes();
  }

  /** Our own copy of the decoded bytes, made on first need: copied from the scratch buffer when no decode has
   *  reused it since (the common decode-then-read case), else re-decoded from the canonical base64. */
  #materialBytes(): Uint8Array | null {
    if (this.#generation >= 0) {
      const scratch = this.#bytes as Uint8Array;
      if (this.#generation === scratchGeneration()) {
        this.#bytes = platform.allocUnsafe(this.#length);
        this.#bytes.set(scratch.subarray(0, this.#length));
      } else {
        this.#bytes = this.base64 === null ? null : bytesOfBase64(this.base64);
      }
      this.#generation = -1;
    }
    return this.#bytes;
  }
}

/** The identity from the records the walk located: the same result as `deviceIdentity(inventory)` (tests hold
 *  them equal), without building the inventory. ASCII values (the usual case) are normalised straight from the
 *  bytes (identityFromRecords); anything else reads the strings and goes through buildIdentity. */
function identityFromBytes(b: Uint8Array, scan: ContainerScan): DeviceIdentity {
  const fast = identityFromRecords(b, scan);
  if (fast !== null) return fast;
  const { manufacturerAt, modelAt, serialNumberAt, productKeyIdAt, smbiosUuidAt, offlineIdAt, ekAt } = scan;
  // The four strings usually sit close together (records 14-24): one latin1 decode of their span, then substrings.
  let lo = 0x7fffffff;
  let hi = 0;
  for (let k = 0; k < 4; k++) {
    const at = k === 0 ? manufacturerAt : k === 1 ? modelAt : k === 2 ? serialNumberAt : productKeyIdAt;
    if (at < 0) continue;
    const end = at + u16(b, at + 2);
    if (at < lo) lo = at;
    if (end > hi) hi = end;
  }
  const span = hi > lo ? platform.latin1(b, lo, hi) : '';
  return buildIdentity(
    cString(b, manufacturerAt, span, lo),
    cString(b, modelAt, span, lo),
    cString(b, serialNumberAt, span, lo),
    smbiosUuidAt < 0 ? null : guidOf(b, smbiosUuidAt + RECORD_HEADER_LENGTH),
    cString(b, productKeyIdAt, span, lo),
    offlineIdAt < 0 ? -1 : u16(b, offlineIdAt + 8),
    scan.offlineIdHash,
    ekAt < 0 || u16(b, ekAt + 2) === RECORD_HEADER_LENGTH ? null : () => sha256Hex(b.subarray(ekAt + RECORD_HEADER_LENGTH, ekAt + u16(b, ekAt + 2))),
  );
}

/** The NUL-terminated string of the record at `at`, read exactly as read-inventory.ts reads it; ASCII is cut from
 *  `span` (latin1 of the bytes from `spanStart`) when given. */
function cString(b: Uint8Array, at: number, span?: string, spanStart = 0): string | null {
  if (at < 0) return null;
  const p = at + RECORD_HEADER_LENGTH;
  const e = at + u16(b, at + 2);
  let i = p;
  let high = 0;
  for (; i < e && b[i] !== 0; i++) high |= b[i];
  if (high >= 0x80) return platform.utf8(b, p, i);
  return span === undefined ? platform.latin1(b, p, i) : span.slice(p - spanStart, i - spanStart);
}

/** The bytes of canonical (valid, padded) base64 text, in a new array of the platform's byte type. */
function bytesOfBase64(base64: string): Uint8Array {
  const pad = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  const target = platform.allocUnsafe((base64.length >> 2) * 3 - pad);
  platform.base64Into(target, base64);
  return target;
}
