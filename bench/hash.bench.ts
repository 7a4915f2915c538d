// Hash decode+validate throughput against the floor of what any validator must do: base64-decode the text and
// SHA-256 the signed region (bytes [0, header length)). Target: Tarmac ≥ 0.7 of the floor.
//
// Other processes share the CPU (the load average is recorded), so each comparison runs many short rounds that
// alternate the two sides, timed in process CPU time (what the work costs, not how long the scheduler let it run),
// and keeps the median of the per-round ratios: neighbouring rounds see the same machine.
import { hash as sha256Once } from 'node:crypto';
import os from 'node:os';
import { decodeHardwareHash, encodeHardwareHash, syntheticInventory, validateHardwareHash } from '../src/hash/index.js';
import { fmt, median, recordResult } from './lib.js';
import { loadRealHashes } from './real-hashes.js';

const ROUNDS = 41;
const OPS_PER_ROUND = 20_000;

/** Operations per CPU-second and per wall-second of `fn` over `n` calls. */
function opsPerSecondOf(fn: () => void, n: number): { cpu: number; wall: number } {
  const start = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  const wall = performance.now() - t0;
  const used = process.cpuUsage(start);
  return { cpu: (n * 1e6) / Math.max(1, used.user + used.system), wall: (n * 1000) / Math.max(1e-3, wall) };
}

interface Comparison {
  /** Median ops per CPU-second of each side, and the median of the per-round ratios a/b (the figure reported). */
  a: number;
  b: number;
  ratio: number;
  /** The same rounds timed by the wall clock (affected by the other processes on the machine). */
  wallRatio: number;
}

function compare(a: () => void, b: () => void): Comparison {
  for (let i = 0; i < OPS_PER_ROUND; i++) {
    a();
    b();
  }
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  const wallRatios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which side goes first, so neither always runs right after the other.
    const first = r % 2 === 0 ? opsPerSecondOf(a, OPS_PER_ROUND) : null;
    const y = opsPerSecondOf(b, OPS_PER_ROUND);
    const x = first ?? opsPerSecondOf(a, OPS_PER_ROUND);
    as.push(x.cpu);
    bs.push(y.cpu);
    ratios.push(x.cpu / y.cpu);
    wallRatios.push(x.wall / y.wall);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios), wallRatio: median(wallRatios) };
}

export async function run(): Promise<void> {
  const real = loadRealHashes();
  const synthetic = Array.from({ length: 64 }, (_, i) => encodeHardwareHash(syntheticInventory(1000 + i)).base64);
  const corpora: [string, string[]][] = [
    ['real', real.map((r) => r.hash)],
    ['synthetic', synthetic],
  ];

  const results: Record<string, unknown> = {};
  const loadBefore = os.loadavg();
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
    const d = compare(decode, floor);
    const f = compare(decodeFull, floor);
    const v = compare(validate, floor);
    const r = {
      hashes: hashes.length,
      floorPerSecond: Math.round(d.b),
      decodePerSecond: Math.round(d.a),
      decodeRatio: +d.ratio.toFixed(3),
      decodeRatioWallClock: +d.wallRatio.toFixed(3),
      decodeFullInventoryPerSecond: Math.round(f.a),
      decodeFullInventoryRatio: +f.ratio.toFixed(3),
      validatePerSecond: Math.round(v.a),
      validateRatio: +v.ratio.toFixed(3),
      validateRatioWallClock: +v.wallRatio.toFixed(3),
      target: 0.7,
    };
    results[name] = r;
    console.log(
      `${name.padEnd(9)} floor ${fmt(r.floorPerSecond)}/s\n` +
        `          decode+validate+identity ${fmt(r.decodePerSecond)}/s  ratio ${r.decodeRatio} (target ≥ 0.7; wall clock ${r.decodeRatioWallClock})\n` +
        `          … + full inventory       ${fmt(r.decodeFullInventoryPerSecond)}/s  ratio ${r.decodeFullInventoryRatio}\n` +
        `          validate only            ${fmt(r.validatePerSecond)}/s  ratio ${r.validateRatio}${sink < 0 ? '' : ''}`,
    );
  }
  const loadAfter = os.loadavg();
  const file = recordResult('hash', {
    timing: `process CPU time; ${ROUNDS} alternating rounds of ${OPS_PER_ROUND} operations per side, medians (ratio: median of per-round ratios; *WallClock: the same rounds by the wall clock)`,
    loadAverage: { before: loadBefore.map((x) => +x.toFixed(2)), after: loadAfter.map((x) => +x.toFixed(2)) },
    baseline: "Buffer.from(text,'base64') + crypto.hash('sha256') of bytes [0, header length), same inputs, same process",
    measured:
      'decodeHardwareHash with every validation check and the identity keys (the inventory is built lazily, on first ' +
      'read); the same plus reading .inventory (every record decoded into typed fields); validateHardwareHash alone',
    results,
  });
  console.log(`load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} -> ${loadAfter.map((x) => x.toFixed(2)).join(' ')}\nwrote ${file}`);
}
