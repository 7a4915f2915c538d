// Structural facts about records that both the validating walk and the inventory reader rely on, so the two always
// agree on which records are readable, repeated or longer than their known layout.
import { u16, u32 } from './bytes.js';
import { Rec } from './records.js';

export const SHAPE_OK = 0;
/** A fixed-layout record longer than its known layout: the known fields are read, the rest kept. */
export const SHAPE_LONG = 1;
/** The payload cannot be read. */
export const SHAPE_UNREADABLE = 2;

/** Payload size of each fixed-layout record type (index = type), -1 for the others. */
const FIXED_SIZE = new Int16Array(64).fill(-1);
FIXED_SIZE[Rec.Build] = 24;
FIXED_SIZE[Rec.ProcessorTopology] = 12;
FIXED_SIZE[Rec.Memory] = 21;
FIXED_SIZE[Rec.Disk] = 12;
FIXED_SIZE[Rec.Display] = 12;
FIXED_SIZE[Rec.Enclosure] = 5;
FIXED_SIZE[Rec.SmbiosUuid] = 16;
FIXED_SIZE[Rec.DisplaySizeCm] = 4;
FIXED_SIZE[Rec.GpuMemory] = 18;

export function fixedSize(type: number): number {
  return type < 64 ? FIXED_SIZE[type] : -1;
}

/** Per-type flags for the walk (index = type; types >= 64 are unknown). */
export const KIND_SINGLE = 1; // describes one thing, should appear once (repeating: 6, 7, 8, 9, 27, 29, 30)
export const KIND_SHAPED = 2; // has a payload layout to check (fixed size, or 8 / 11 / 34)
export const KIND = new Uint8Array(64);
for (const t of [1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 34, 36]) KIND[t] |= KIND_SINGLE;
for (let t = 0; t < 64; t++) if (FIXED_SIZE[t] >= 0) KIND[t] |= KIND_SHAPED;
for (const t of [Rec.NetworkAdapter, Rec.OfflineDeviceId, Rec.CoreClasses]) KIND[t] |= KIND_SHAPED;

export function isSingle(type: number): boolean {
  return type < 64 && (KIND[type] & KIND_SINGLE) !== 0;
}

/** Shape of the payload b[p, e) of a record of `type`. */
export function recordShape(b: Uint8Array, type: number, p: number, e: number): number {
  const have = e - p;
  switch (type) {
    case Rec.NetworkAdapter:
      return have < 14 || u32(b, p + 10) > have - 14 ? SHAPE_UNREADABLE : SHAPE_OK;
    case Rec.OfflineDeviceId:
      return have < 10 || u16(b, p + 6) > have - 10 ? SHAPE_UNREADABLE : SHAPE_OK;
    case Rec.CoreClasses:
      return have < 1 || 1 + 5 * b[p] > have ? SHAPE_UNREADABLE : SHAPE_OK;
    default: {
      const size = fixedSize(type);
      if (size < 0 || have === size) return SHAPE_OK;
      return have < size ? SHAPE_UNREADABLE : SHAPE_LONG;
    }
  }
}

/** Why a record is unreadable, for the issue message (slow path). */
export function unreadableReason(b: Uint8Array, type: number, p: number, e: number): string {
  const have = e - p;
  switch (type) {
    case Rec.NetworkAdapter:
      return have < 14 ? `has a ${have}-byte payload, expected at least 14` : `declares a ${u32(b, p + 10)}-byte bus name that does not fit`;
    case Rec.OfflineDeviceId:
      return have < 10 ? `has a ${have}-byte payload, expected at least 10` : `declares a ${u16(b, p + 6)}-byte hash that does not fit`;
    case Rec.CoreClasses:
      return have < 1 ? 'is empty' : `declares ${b[p]} core classes (${1 + 5 * b[p]} bytes) in a ${have}-byte payload`;
    default:
      return `has a ${have}-byte payload, expected ${fixedSize(type)}`;
  }
}
