// The real-hash corpus, read in place from ../shared/data/real-hashes beside the repository (real device identities:
// never copy them, or anything derived from them, into this repository).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOa3Xml } from '../../src/hash/index.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const REAL_DIR = path.resolve(REPO_ROOT, '../shared/data/real-hashes');
/** How the corpus's place is named in messages: relative to the repository, as a clone sees it. */
export const REAL_DIR_NAME = '../shared/data/real-hashes';

declare module 'vitest' {
  interface TaskMeta {
    /** Set on the suites and tests that read the real-hash corpus (test/support/real-hashes-reporter.ts counts them). */
    needsRealHashes?: boolean;
  }
}

/** Throws (so the tests fail loudly) when the corpus is missing. */
export function assertRealDir(): void {
  if (!existsSync(REAL_DIR)) {
    throw new Error(`The real hardware hashes are missing: expected them in ${REAL_DIR} (shared/data/real-hashes beside the repo).`);
  }
}

/** CI sets CI=true (GitHub, GitLab and most others do): there a missing corpus must fail, never skip. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI?.toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * Whether the tests that read the corpus are skipped: it is absent (a fresh clone has no ../shared beside it) and
 * this is not CI. In CI they run without it and fail on the loaders' "missing" error.
 */
export const SKIP_REAL_HASHES = !existsSync(REAL_DIR) && !isCi();

/** Options for a describe() or test() that reads the corpus: skipped without it, and marked for the reporter. */
export const needsRealHashes = { skip: SKIP_REAL_HASHES, meta: { needsRealHashes: true } };

/**
 * `load()`, or `skipped` when the corpus's tests are skipped. For data a file reads while its tests are collected
 * (vitest still collects the bodies of skipped suites, so they must not touch the missing folder).
 */
export function fromRealHashes<T>(load: () => T, skipped: T): T {
  return SKIP_REAL_HASHES ? skipped : load();
}

export interface RealHash {
  file: string;
  /** The base64 text as found in the file. */
  hash: string;
  /** The CSV's "Device Serial Number" (null for OA3.xml). */
  csvSerial: string | null;
  /** 1-based line of the hash in its file. */
  line: number;
}

/** Text of a file: UTF-16LE/BE or UTF-8 by BOM, UTF-8 otherwise. */
export function readText(file: string): string {
  const raw = readFileSync(file);
  if (raw[0] === 0xff && raw[1] === 0xfe) return new TextDecoder('utf-16le').decode(raw.subarray(2));
  if (raw[0] === 0xfe && raw[1] === 0xff) return new TextDecoder('utf-16be').decode(raw.subarray(2));
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) return new TextDecoder('utf-8').decode(raw.subarray(3));
  return new TextDecoder('utf-8').decode(raw);
}

/** Every hash in the real-data folder. Throws (so the suite fails loudly) when the folder is missing. */
export function loadRealHashes(): RealHash[] {
  assertRealDir();
  const out: RealHash[] = [];
  for (const file of readdirSync(REAL_DIR).sort()) {
    const full = path.join(REAL_DIR, file);
    if (file.endsWith('.xml')) {
      for (const h of readOa3Xml(readText(full))) out.push({ file, hash: h.hardwareHash, csvSerial: null, line: h.line });
    } else if (file.endsWith('.csv')) {
      const lines = readText(full).split(/\r?\n/);
      // Get-WindowsAutopilotInfo writes 3 columns, 4 with -GroupTag, 5 with -AssignedUser.
      if (!lines[0].startsWith('Device Serial Number,Windows Product ID,Hardware Hash')) throw new Error(`${file}: unexpected header ${lines[0]}`);
      lines.forEach((text, i) => {
        if (i === 0 || text === '') return;
        const cells = text.split(',');
        out.push({ file, hash: cells[2], csvSerial: cells[0], line: i + 1 });
      });
    }
  }
  return out;
}

export interface SourceRow {
  file: string;
  manufacturer: string;
  model: string;
  serialNumber: string;
  toolVersion: number;
}

/** The per-file table rows of SOURCES.md: `| \`file\` | … | manufacturer / model / serial | TV |`. */
export function loadSources(): SourceRow[] {
  assertRealDir();
  const text = readFileSync(path.join(REAL_DIR, 'SOURCES.md'), 'utf8');
  const rows: SourceRow[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const cells = line.split('|').map((c) => c.trim());
    // ['', file, path, blob, commit, encoding, rows, device, TV, '']
    const device = cells[7].split(' / ');
    if (device.length !== 3) throw new Error(`SOURCES.md: cannot read the device cell of ${line}`);
    rows.push({
      file: cells[1].replace(/`/g, ''),
      manufacturer: device[0],
      model: device[1],
      serialNumber: device[2],
      toolVersion: Number(cells[8]),
    });
  }
  return rows;
}

/** The real Get-WindowsAutopilotInfo CSVs (read in place; never copy them or data derived from them). */
export function realCsvFiles(): string[] {
  assertRealDir();
  return readdirSync(REAL_DIR)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => path.join(REAL_DIR, f));
}

/** The paths of the CSVs and the OA3.xml in the corpus, sorted. */
export function realHashFiles(): string[] {
  assertRealDir();
  return readdirSync(REAL_DIR)
    .filter((f) => f.endsWith('.csv') || f.endsWith('.xml'))
    .sort()
    .map((f) => path.join(REAL_DIR, f));
}
