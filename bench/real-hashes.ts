// Reads the real-hash corpus from ../shared (never copied into the repo) for benchmarks.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './lib.js';

export interface RealHash {
  file: string;
  hash: string;
}

export function loadRealHashes(): RealHash[] {
  const dir = path.resolve(repoRoot, '../shared/data/real-hashes');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.csv') || f.endsWith('.xml'));
  } catch {
    console.warn(`(no real-hash corpus at ${dir}; benchmarking synthetic hashes only)`);
    return [];
  }
  const out: RealHash[] = [];
  for (const file of files) {
    const raw = readFileSync(path.join(dir, file));
    const text =
      raw[0] === 0xff && raw[1] === 0xfe ? new TextDecoder('utf-16le').decode(raw) : new TextDecoder('utf-8').decode(raw);
    for (const m of text.matchAll(/T0[A-Za-z0-9+/]{100,}={0,2}/g)) out.push({ file, hash: m[0] });
  }
  return out;
}
