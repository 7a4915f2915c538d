// Hash decode+validate throughput against the floor of what any validator must do: base64-decode the text and
// SHA-256 the signed region (bytes [0, header length)). Target: Tarmac ≥ 0.7 of the floor.
import { hash as sha256Once } from 'node:crypto';
import { decodeHardwareHash, encodeHardwareHash, syntheticInventory, validateHardwareHash } from '../src/hash/index.js';
import { compareOps, fmt, recordResult } from './lib.js';
import { loadRealHashes } from './real-hashes.js';

export async function run(): Promise<void> {
  const real = loadRealHashes();
  const synthetic = Array.from({ length: 64 }, (_, i) => encodeHardwareHash(syntheticInventory(1000 + i)).base64);
  const corpora: [string, string[]][] = [
    ['real', real.map((r) => r.hash)],
    ['synthetic', synthetic],
  ];

  const results: Record<string, unknown> = {};
  for (const [name, hashes] of corpora) {
    if (hashes.length === 0) continue;
    let i = 0;
    let sink = 0;
    const floor = (): void => {
      const bytes = Buffer.from(hashes[i++ % hashes.length], 'base64');
      const total = bytes.readUInt16LE(2);
      // crypto.hash is Node's fastest one-shot SHA-256 (the codec uses it too), so the floor is a real floor.
      sink += sha256Once('sha256', bytes.subarray(0, total), 'hex').length;
    };
    const decode = (): void => {
      const d = decodeHardwareHash(hashes[i++ % hashes.length]);
      if (!d.valid) throw new Error('bench input must be valid');
      sink += d.identity?.keys.length ?? 0;
    };
    const decodeFull = (): void => {
      const d = decodeHardwareHash(hashes[i++ % hashes.length]);
      if (!d.valid || !d.inventory) throw new Error('bench input must be valid');
      sink += d.inventory.networkAdapters.length;
    };
    const validate = (): void => {
      const v = validateHardwareHash(hashes[i++ % hashes.length]);
      if (!v.valid) throw new Error('bench input must be valid');
      sink += v.issues.length;
    };
    const d = compareOps(decode, floor);
    const f = compareOps(decodeFull, floor);
    const v = compareOps(validate, floor);
    const r = {
      hashes: hashes.length,
      floorPerSecond: Math.round(d.b),
      decodePerSecond: Math.round(d.a),
      decodeRatio: +(d.a / d.b).toFixed(3),
      decodeFullInventoryPerSecond: Math.round(f.a),
      decodeFullInventoryRatio: +(f.a / f.b).toFixed(3),
      validatePerSecond: Math.round(v.a),
      validateRatio: +(v.a / v.b).toFixed(3),
      target: 0.7,
    };
    results[name] = r;
    console.log(
      `${name.padEnd(9)} floor ${fmt(r.floorPerSecond)}/s\n` +
        `          decode+validate+identity ${fmt(r.decodePerSecond)}/s  ratio ${r.decodeRatio} (target ≥ 0.7)\n` +
        `          … + full inventory       ${fmt(r.decodeFullInventoryPerSecond)}/s  ratio ${r.decodeFullInventoryRatio}\n` +
        `          validate only            ${fmt(r.validatePerSecond)}/s  ratio ${r.validateRatio}${sink < 0 ? '' : ''}`,
    );
  }
  const file = recordResult('hash', {
    baseline: "Buffer.from(text,'base64') + crypto.hash('sha256') of bytes [0, header length), same inputs, same process",
    measured:
      'decodeHardwareHash with every validation check and the identity keys (the inventory is built lazily, on first ' +
      'read); the same plus reading .inventory (every record decoded into typed fields); validateHardwareHash alone',
    results,
  });
  console.log(`wrote ${file}`);
}
