// A full registry for the benchmarks that need many registered devices (oobe, scale-curve): synthetic devices with
// real 4 KB hardware hashes (Tarmac's own encoder), registered through the registry store's own `register` — the
// rows the import worker writes (device, hash, identity keys, the pre-created Entra object and its physicalIds) —
// in transactions of SEED_TRANSACTION devices, without the import queue, HTTP or the lifecycle hook (no groups or
// profiles exist yet when a bench seeds). Seeds are consecutive integers, so a bench can grow a registry in steps
// (10k, then 90k more, …) and the devices are the same on every engine and run.
import { randomUUID } from 'node:crypto';
import { newObjectId } from '../src/model/index.js';
import { deviceIdentity, encodeHardwareHash, syntheticInventory } from '../src/hash/index.js';
import { registryKeys, autopilotPhysicalIds } from '../src/registry/identity-keys.js';
import { hardwareFields, newAutopilotDevice } from '../src/registry/new-device.js';
import { newEntraDevice } from '../src/registry/new-entra-device.js';
import type { Registration } from '../src/registry/ports.js';
import { createStore, type Db } from '../src/store/index.js';

export const SEED_TRANSACTION = 2000;

export interface SeededDevice {
  seed: number;
  id: string;
  serialNumber: string;
  /** The base64 hash, as a PC presents it. */
  hash: string;
}

/** The registration the worker would write for synthetic device `seed` (process-imports.ts registrationOf). */
export function syntheticRegistration(tenantId: string, seed: number, now: string): { registration: Registration; hash: string } {
  const inv = syntheticInventory(seed);
  const identity = deviceIdentity(inv);
  const serial = inv.system.serialNumber ?? '';
  const { bytes, base64 } = encodeHardwareHash(inv);
  const device = newAutopilotDevice(
    {
      id: randomUUID(),
      azureAdDeviceId: newObjectId(),
      tenantId,
      serialNumber: identity.serialNumber ?? serial,
      productKey: identity.productKeyId ?? '',
      ...hardwareFields(identity, inv.system),
    },
    now,
  );
  const entra = newEntraDevice(
    {
      tenantId,
      deviceId: device.azureAdDeviceId ?? '',
      displayName: device.serialNumber,
      profileType: 'RegisteredDevice',
      autopilotDeviceId: device.id,
      physicalIds: autopilotPhysicalIds(device),
      deviceOwnership: 'Company',
    },
    now,
  );
  return {
    registration: { device, hardwareHash: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), keys: registryKeys(identity, serial), entra },
    hash: base64,
  };
}

/**
 * Registers synthetic devices `from` … `from + count - 1` in `tenantId`. `keep(seed)` says which devices to hand back
 * (with their hash: a bench keeps a sample to present at OOBE, not a million 5 KB strings).
 */
export async function seedRegistry(
  db: Db,
  tenantId: string,
  from: number,
  count: number,
  keep: (seed: number) => boolean = () => false,
): Promise<{ seconds: number; kept: SeededDevice[] }> {
  const store = createStore(db);
  const now = new Date().toISOString();
  const kept: SeededDevice[] = [];
  const start = performance.now();
  for (let first = from; first < from + count; first += SEED_TRANSACTION) {
    const batch: Registration[] = [];
    for (let seed = first; seed < Math.min(first + SEED_TRANSACTION, from + count); seed++) {
      const { registration, hash } = syntheticRegistration(tenantId, seed, now);
      batch.push(registration);
      if (keep(seed)) kept.push({ seed, id: registration.device.id, serialNumber: registration.device.serialNumber, hash });
    }
    await store.transaction((tx) => tx.devices.register(batch));
  }
  return { seconds: (performance.now() - start) / 1000, kept };
}
