// The ids Tarmac gives the objects it creates in bulk besides the Autopilot device itself: Entra device objects and
// their deviceId (azureAdDeviceId), managed devices, imported-device (queue) rows, audit events. GUIDs whose first 48
// bits are the creation time in milliseconds and whose other 74 bits are random (UUID version 7, RFC 9562).
//
// Why not random GUIDs (version 4, what Entra and Intune hand out): a registration writes about a dozen B-tree indexes,
// several keyed by these ids (primary keys, tenant + id, deviceId, the Entra object's physical ids, the queue). A
// random key lands on a random leaf, so once an index outgrows the page cache each insert reads a page back, and the
// cost of a registration grows with the registry. A time-ordered key lands on the rightmost leaves, which stay cached
// at any size. Clients treat ids as opaque GUIDs; the wire format is the same. (The ids tell the tenant's admins when
// an object was made, which they can see anyway.)
//
// The Autopilot device's own id stays a random GUID (process-imports.ts registrationOf): a search page on the serial
// number may walk the tenant's devices in id order until it has enough matches, and its bound relies on matches being
// spread evenly along that order (store/list-query/compile.ts). Time-ordered ids would cluster a batch of similar
// serials at one end of it.
import { randomFillSync } from 'node:crypto';

const IDS_PER_REFILL = 256;
const pool = Buffer.alloc(16 * IDS_PER_REFILL);
let next = pool.length;

/** A new GUID, time-ordered by the millisecond `now` (default: the clock), lower-case, 8-4-4-4-12. */
export function newObjectId(now: number = Date.now()): string {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const bytes = pool.subarray(next, next + 16);
  next += 16;
  bytes.writeUIntBE(Math.max(0, Math.floor(now)) % 2 ** 48, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10 (RFC 9562)
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
