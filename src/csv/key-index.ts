// A compact set of identity keys → first line, for duplicate detection on files of any size.
//
// Storing the key strings themselves costs ~850 bytes per device (four keys of 20–70 characters each, plus Map
// entries): 85 MB for 100,000 rows. This index keeps a 64-bit fingerprint of each key and a 32-bit value in one typed
// array (open addressing, load ≤ 0.5, 16-byte slots): ~32 bytes per key, ~13 MB for 100,000 devices. Two keys share a
// fingerprint with probability ~n²/2⁶⁵ (about 4·10⁻⁹ for 400,000 keys); that is the only way it can be wrong.

// The last fingerprint (module scratch: no allocation per key).
let fpA = 0;
let fpB = 0;

/** Two independent 32-bit lanes (cyrb53-style multiply/xor mixing with different seeds) = a 64-bit fingerprint. */
function fingerprint(key: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // 0/0 marks an empty slot: nudge the (astronomically unlikely) all-zero fingerprint.
  if (h1 === 0 && h2 === 0) h1 = 1;
  fpA = h1 >>> 0;
  fpB = h2 >>> 0;
}

/** The key's 64-bit fingerprint as two u32 written to out[at], out[at + 1] (what the index stores). */
export function keyFingerprint(key: string, out: Uint32Array, at: number): void {
  fingerprint(key);
  out[at] = fpA;
  out[at + 1] = fpB;
}

/** Slot layout: fingerprint high, fingerprint low, value, unused; one slot is 16 bytes, so a probe touches one cache
 *  line (three parallel arrays cost three misses per probe once the index outgrows the cache). */
const STRIDE = 4;

export class KeyIndex {
  private slots: Uint32Array;
  /** Slot count - 1 (a power of two minus one). */
  private mask: number;
  /** Keys stored. */
  size = 0;

  constructor(initialCapacity = 1 << 12) {
    let cap = 16;
    while (cap < initialCapacity) cap <<= 1;
    this.slots = new Uint32Array(cap * STRIDE);
    this.mask = cap - 1;
  }

  /** The value stored for `key`, or -1. */
  get(key: string): number {
    fingerprint(key);
    const a = fpA;
    const b = fpB;
    const slots = this.slots;
    for (let i = a & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * STRIDE;
      const h = slots[at];
      const l = slots[at + 1];
      if (h === 0 && l === 0) return -1;
      if (h === a && l === b) return slots[at + 2];
    }
  }

  /** Stores `value` for `key` unless the key is there already; returns the value now stored. */
  setIfAbsent(key: string, value: number): number {
    fingerprint(key);
    return this.setIfAbsentFingerprint(fpA, fpB, value);
  }

  /** setIfAbsent for a key given by its fingerprint (`keyFingerprint`), e.g. one computed in a worker thread. */
  setIfAbsentFingerprint(a: number, b: number, value: number): number {
    const slots = this.slots;
    for (let i = a & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * STRIDE;
      const h = slots[at];
      const l = slots[at + 1];
      if (h === 0 && l === 0) {
        slots[at] = a;
        slots[at + 1] = b;
        slots[at + 2] = value;
        if (++this.size * 2 > this.mask + 1) this.grow();
        return value;
      }
      if (h === a && l === b) return slots[at + 2];
    }
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    const slots = new Uint32Array(cap * STRIDE);
    const mask = cap - 1;
    for (let j = 0; j < old.length; j += STRIDE) {
      const a = old[j];
      const b = old[j + 1];
      if (a === 0 && b === 0) continue;
      let i = a & mask;
      while (slots[i * STRIDE] !== 0 || slots[i * STRIDE + 1] !== 0) i = (i + 1) & mask;
      slots[i * STRIDE] = a;
      slots[i * STRIDE + 1] = b;
      slots[i * STRIDE + 2] = old[j + 2];
    }
    this.slots = slots;
    this.mask = mask;
  }
}
