// Hardware-change detection: is the hash a device presents the same machine as the one registered, and did its
// motherboard change?
//
// Microsoft: the service "tolerates small changes (e.g. new disk) but not a motherboard swap" (reference §1.2), and a
// flagged device shows "Fix pending" / "Attention required" (remediationState). Of the identity keys Tarmac registers
// (see src/hash/identity.ts), two live on the system board:
// - the SMBIOS UUID (record 12), written into the board's firmware;
// - the TPM endorsement key hash (records 11/25): the TPM is soldered to the board (or is firmware TPM in the CPU
//   package), so its EK changes with the board.
// The tuple (manufacturer|model|serial) and the OA3 product key ID do NOT change in a repair: OEM service tools write
// the original serial and product key into the replacement board, which is also how the device is still recognised
// (the registry finds it by its tuple or PKID). So:
//   same device (some registered key matches) + SMBIOS UUID or TPM EK differs (or is gone) → motherboard change;
//   disks, network adapters, memory, displays and GPUs are not identity and are tolerated (reported, not flagged).
// A key that appears where there was none (a TPM enabled in firmware later) is not a change of board.
import type { DeviceIdentity, HardwareInventory } from '../hash/index.js';

export type BoardComponent = 'smbiosUuid' | 'tpmEkHash';
export type ToleratedComponent = 'disks' | 'networkAdapters' | 'memory' | 'displays' | 'gpus';

export interface HardwareComparison {
  /** Board-level identity that changed: a non-empty list means a motherboard swap. */
  board: BoardComponent[];
  /** Components that changed without consequence. */
  tolerated: ToleratedComponent[];
}

export function compareHardware(
  stored: { identity: DeviceIdentity; inventory: HardwareInventory | null },
  presented: { identity: DeviceIdentity; inventory: HardwareInventory | null },
): HardwareComparison {
  const board: BoardComponent[] = [];
  for (const key of ['smbiosUuid', 'tpmEkHash'] as const) {
    const before = stored.identity[key];
    if (before !== null && presented.identity[key] !== before) board.push(key);
  }
  const tolerated: ToleratedComponent[] = [];
  const a = stored.inventory;
  const b = presented.inventory;
  if (a && b) {
    const differs = (x: string[], y: string[]): boolean => x.length !== y.length || [...x].sort().join('|') !== [...y].sort().join('|');
    if (differs(a.disks.map((d) => JSON.stringify(d)), b.disks.map((d) => JSON.stringify(d)))) tolerated.push('disks');
    if (differs(a.networkAdapters.map((n) => n.macAddress), b.networkAdapters.map((n) => n.macAddress))) tolerated.push('networkAdapters');
    if (JSON.stringify(a.memory) !== JSON.stringify(b.memory)) tolerated.push('memory');
    if (JSON.stringify(a.displays) !== JSON.stringify(b.displays)) tolerated.push('displays');
    if (JSON.stringify(a.gpus) !== JSON.stringify(b.gpus)) tolerated.push('gpus');
  }
  return { board, tolerated };
}

const BOARD_NAMES: Record<BoardComponent, string> = { smbiosUuid: 'SMBIOS UUID', tpmEkHash: 'TPM endorsement key' };

/** "SMBIOS UUID and TPM endorsement key changed (a motherboard replacement)". */
export function describeBoardChange(board: BoardComponent[]): string {
  return `${board.map((b) => BOARD_NAMES[b]).join(' and ')} changed (a motherboard replacement)`;
}
