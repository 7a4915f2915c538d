// The codec and the CSV toolkit run in a browser unchanged (issue 10: the web console validates CSVs and decodes
// hashes with the CLI's code before sending anything). The browser entry points are bundled with esbuild for the
// browser — the build fails on any Node built-in — and the bundle runs in a bare node:vm context (no Buffer, no
// process, no require; only TextEncoder/TextDecoder, which every browser has), where it must give exactly what the
// Node path gives.
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';
import { build, type Plugin } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateCsv } from '../../src/csv/index.js';
import { decodeHardwareHash, validateHardwareHash } from '../../src/hash/index.js';
import { H3, H4, damagedHash, encode, fakeDevice, lines, rows, unpaddedHash } from '../support/csv-fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRIES = { hash: 'src/hash/browser.ts', csv: 'src/csv/browser.ts' } as const;
const BUILTINS = new Set(builtinModules);

interface Bundle {
  code: string;
  inputs: string[];
  nodeImports: string[];
}

/** Bundles an entry point for the browser; records every import of a Node built-in instead of failing at the first. */
async function bundle(entry: string, globalName: string): Promise<Bundle> {
  const nodeImports: string[] = [];
  const spy: Plugin = {
    name: 'node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.replace(/^node:/, '').split('/')[0];
        if (args.path.startsWith('node:') || BUILTINS.has(bare)) {
          nodeImports.push(`${args.path} (from ${path.relative(ROOT, args.importer)})`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName,
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [spy],
  });
  return { code: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs), nodeImports };
}

/** Byte arrays (Buffer or not, this realm or the vm's) as plain arrays, so results compare by content. */
const REPLACER = `(k, v) => {
  if (v !== null && typeof v === 'object' && typeof v.BYTES_PER_ELEMENT === 'number') return Array.from(v);
  if (v !== null && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data)) return v.data;
  return v;
}`;
const replacer = vm.runInThisContext(REPLACER) as (k: string, v: unknown) => unknown;
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value, replacer));

let hashBundle: Bundle;
let csvBundle: Bundle;
let context: vm.Context;

beforeAll(async () => {
  [hashBundle, csvBundle] = await Promise.all([bundle(ENTRIES.hash, 'TarmacHash'), bundle(ENTRIES.csv, 'TarmacCsv')]);
  // A bare context: ECMAScript built-ins only, plus the two encoding APIs of every browser.
  context = vm.createContext({ TextEncoder, TextDecoder });
  vm.runInContext(hashBundle.code, context, { filename: 'hash-browser.js' });
  vm.runInContext(csvBundle.code, context, { filename: 'csv-browser.js' });
  vm.runInContext(`globalThis.plain = (value) => JSON.parse(JSON.stringify(value, ${REPLACER}));`, context);
}, 60_000);

/** Runs `body` (an async function body) in the vm with `input` as its argument; returns its JSON result. */
async function inBrowser(body: string, input: unknown): Promise<unknown> {
  const fn = vm.runInContext(`(async (input) => { ${body} })`, context) as (input: unknown) => Promise<string>;
  return JSON.parse(await fn(JSON.stringify(input)));
}

describe('the browser entry points', () => {
  it('bundle for the browser without any Node built-in or Node-only module', () => {
    for (const b of [hashBundle, csvBundle]) {
      expect(b.nodeImports).toEqual([]);
      expect(b.inputs.filter((f) => /platform-node|src\/csv\/node\/|(hash|csv)\/index\.ts$/.test(f))).toEqual([]);
      expect(b.code).not.toMatch(/\b__require\b|\brequire\(/);
    }
    expect(csvBundle.inputs).toEqual(expect.arrayContaining(['src/hash/decode.ts', 'src/csv/read-csv.ts', 'src/hash/platform.ts']));
  });

  it('have the API of the Node entry points, less only the file tools', async () => {
    const keys = async (m: Promise<object>): Promise<string[]> => Object.keys(await m).sort();
    expect(await keys(import('../../src/hash/browser.js'))).toEqual(await keys(import('../../src/hash/index.js')));
    const csvNode = await keys(import('../../src/csv/index.js'));
    expect(await keys(import('../../src/csv/browser.js'))).toEqual(csvNode.filter((k) => !['fixCsv', 'mergeCsv', 'writeCsv', 'validateCsvFile'].includes(k)));
    expect(csvNode).toEqual(expect.arrayContaining(['fixCsv', 'mergeCsv', 'writeCsv', 'validateCsvFile', 'validateCsv', 'readCsv']));
  });

  it('run where there is no Buffer, process or require', async () => {
    expect(await inBrowser("return JSON.stringify([typeof Buffer, typeof process, typeof require, typeof TarmacHash.decodeHardwareHash, typeof TarmacCsv.validateCsv]);", null)).toEqual([
      'undefined',
      'undefined',
      'undefined',
      'function',
      'function',
    ]);
  });

  it('decode hashes exactly as Node does (valid, unpadded, damaged, quoted, not base64)', async () => {
    const d = fakeDevice(4242);
    const inputs = [d.hash, unpaddedHash(d.hash), d.hash.replace(/=+$/, ''), damagedHash(d.hash), ` "${d.hash}" `, d.hash.slice(0, 50) + '_' + d.hash.slice(51), ''];
    const browser = (await inBrowser(
      `const texts = JSON.parse(input);
       return JSON.stringify(plain(texts.map((t) => {
         const d = TarmacHash.decodeHardwareHash(t);
         return { decoded: d, inventory: d.inventory, validation: TarmacHash.validateHardwareHash(t) };
       })));`,
      inputs,
    )) as { decoded: { valid: boolean; identity: unknown; issues: { code: string }[] } }[];
    const node = plain(inputs.map((t) => {
      const decoded = decodeHardwareHash(t);
      return { decoded, inventory: decoded.inventory, validation: validateHardwareHash(t) };
    }));
    expect(browser).toEqual(node);
    // Not vacuous: the first one decoded, with the device's identity and inventory; the damaged one did not verify.
    expect(browser[0].decoded.valid).toBe(true);
    expect(browser[0].decoded.identity).toMatchObject({ serialNumber: d.serial });
    expect(browser[3].decoded.issues.map((i) => i.code)).toContain('ChecksumMismatch');
  });

  it('validate CSV bytes exactly as Node does: same diagnostics, codes, lines and records', async () => {
    const good = rows([11, 12, 13]);
    const d = fakeDevice(14);
    const csvs: Uint8Array[] = [
      encode(lines([H3, ...good, `,,${damagedHash(d.hash)}`, good[0], `${d.serial},,${unpaddedHash(d.hash)}`, '', `"${d.serial}" ,,${d.hash}`]), 'utf-8'),
      encode(lines([H4, `${fakeDevice(15).serial},,${fakeDevice(15).hash},Gerät Büro`, ...rows([16])]), 'utf-8'),
      encode(lines([H4, `${fakeDevice(17).serial},,${fakeDevice(17).hash},Gerät`, ...rows([18])]), 'utf-16le', true),
      encode(lines([H4, `${fakeDevice(19).serial},,${fakeDevice(19).hash},Caf\u00e9`]), 'windows-1252'),
      encode('Serial;Hash\nnothing here\n', 'utf-8'),
    ];
    for (const strict of [false, true]) {
      const browser = (await inBrowser(
        `const { csvs, strict } = JSON.parse(input);
         const out = [];
         for (const bytes of csvs) out.push(await TarmacCsv.validateCsv(new Uint8Array(bytes), { strict, keepRecords: true }));
         return JSON.stringify(plain(out));`,
        { csvs: csvs.map((b) => Array.from(b)), strict },
      )) as { ok: boolean; diagnostics: { code: string; line: number }[]; rows: number }[];
      const node = plain(await Promise.all(csvs.map((b) => validateCsv(b, { strict, keepRecords: true }))));
      expect(browser).toEqual(node);
      // Not vacuous: the first file has errors on the lines where they are, and decoded records.
      const codes = browser[0].diagnostics.map((x) => `${x.code}@${x.line}`);
      expect(codes).toEqual(expect.arrayContaining(['InvalidZtdHardwareHash@5', 'ZtdDeviceDuplicated@6']));
      expect(browser[0].rows).toBeGreaterThanOrEqual(6);
    }
  });

  it('refuses a file path in the browser with a clear error', async () => {
    const message = await inBrowser(
      `try { await TarmacCsv.validateCsv('/tmp/devices.csv'); return JSON.stringify('no error'); } catch (e) { return JSON.stringify(String(e.message)); }`,
      null,
    );
    expect(message).toMatch(/Cannot read the file "\/tmp\/devices.csv": file paths are read only in Node/);
  });
});
