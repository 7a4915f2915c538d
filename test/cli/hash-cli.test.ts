// `tarmac hash decode|validate` as a user runs them: the real binary, real files from ../shared (read in place,
// never copied), and synthetic hashes built with Tarmac's own encoder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHardwareHash, syntheticInventory } from '../../src/hash/index.js';
import { fromRealHashes, loadSources, needsRealHashes, realHashFiles } from '../support/real-hashes.js';
import { runTarmac } from '../support/run-tarmac.js';

interface Summary {
  source: string;
  valid: boolean;
  serialNumber: string | null;
  manufacturer: string | null;
  model: string | null;
  smbiosUuid: string | null;
  macAddresses: string[];
  hasTpm: boolean;
  toolVersion: number | null;
  capturedAt: string | null;
  productKeyId: string | null;
  issues: { code: string; severity: string; offset?: number }[];
  identity: { keys: string[] } | null;
  inventory: { system: { serialNumber: string | null }; networkAdapters: unknown[] } | null;
}

const realFiles = fromRealHashes(realHashFiles, []);

describe('tarmac hash decode --json over the real corpus', needsRealHashes, () => {
  let decoded: Summary[];
  beforeAll(async () => {
    const r = await runTarmac(['hash', 'decode', '--json', ...realFiles]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    decoded = JSON.parse(r.stdout) as Summary[];
  });

  it('gives one object per hash, all 64, all valid', () => {
    expect(decoded).toHaveLength(64);
    expect(decoded.every((d) => d.valid && d.issues.length === 0)).toBe(true);
  });

  it('reports manufacturer, model, serial and ToolVersion as SOURCES.md lists them', () => {
    const sources = loadSources();
    expect(sources).toHaveLength(64);
    for (const s of sources) {
      const d = decoded.find((x) => path.basename(x.source.replace(/:\d+$/, '')) === s.file);
      expect(d, s.file).toBeDefined();
      expect([d?.manufacturer, d?.model, d?.serialNumber, d?.toolVersion], s.file).toEqual([s.manufacturer, s.model, s.serialNumber, s.toolVersion]);
    }
  });

  it('names the file and line each hash came from', () => {
    for (const d of decoded) {
      expect(d.source).toMatch(d.source.includes('.xml') ? /OA3\.xml:\d+$/ : /\.csv:2$/);
    }
  });

  it('formats identity fields as Windows shows them', () => {
    for (const d of decoded) {
      expect(d.smbiosUuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      for (const mac of d.macAddresses) expect(mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      expect(d.capturedAt).toMatch(/^20(1[7-9]|2\d)-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      if (d.productKeyId !== null) expect(d.productKeyId).toMatch(/^\d{13}$/);
      expect(d.inventory?.system.serialNumber).toBe(d.serialNumber);
      expect(d.inventory?.networkAdapters).toHaveLength(d.macAddresses.length);
    }
    expect(decoded.filter((d) => d.macAddresses.length > 0).length).toBeGreaterThan(60);
    // 61 devices: three machines were captured more than once, and each capture has the machine's UUID.
    expect(new Set(decoded.map((d) => d.smbiosUuid)).size).toBe(61);
    // Two machines have no TPM (a VMware VM and a QEMU VM).
    expect(decoded.filter((d) => !d.hasTpm)).toHaveLength(2);
  });

  it('uses Windows GUID byte order for the SMBIOS UUID (checked against VMware serials, which spell the raw bytes)', () => {
    const vmware = decoded.filter((d) => d.serialNumber?.startsWith('VMware-'));
    expect(vmware.length).toBeGreaterThan(0);
    for (const d of vmware) {
      const raw = (d.serialNumber ?? '').slice('VMware-'.length).replace(/[ -]/g, '').toLowerCase();
      const b = raw.match(/../g) ?? [];
      const expected = [
        b.slice(0, 4).reverse().join(''),
        b.slice(4, 6).reverse().join(''),
        b.slice(6, 8).reverse().join(''),
        b.slice(8, 10).join(''),
        b.slice(10, 16).join(''),
      ].join('-');
      expect(d.smbiosUuid).toBe(expected);
    }
    // Dell's UUIDs start with the bytes "DELL" (44 45 4c 4c) read as a little-endian u32.
    const dell = decoded.find((d) => d.manufacturer === 'Dell Inc.');
    expect(dell?.smbiosUuid?.startsWith('4c4c4544-')).toBe(true);
  });

  it('the same machine captured twice has the same identity keys', () => {
    const byUuid = new Map<string, Summary[]>();
    for (const d of decoded) byUuid.set(d.smbiosUuid ?? '', [...(byUuid.get(d.smbiosUuid ?? '') ?? []), d]);
    const repeated = [...byUuid.values()].filter((g) => g.length > 1);
    expect(repeated.map((g) => g.length).sort()).toEqual([2, 3]);
    for (const group of repeated) {
      expect(new Set(group.map((d) => d.capturedAt)).size).toBe(group.length);
      for (const d of group) expect(d.identity?.keys).toEqual(group[0].identity?.keys);
    }
  });

  it('prints a readable report without --json', async () => {
    const xml = realFiles.find((f) => f.endsWith('.xml')) ?? '';
    const r = await runTarmac(['hash', 'decode', xml]);
    expect(r.code).toBe(0);
    for (const label of ['Manufacturer', 'Serial number', 'SMBIOS UUID', 'Processor', 'Memory', 'Disk 1', 'Network 1', 'TPM', 'Captured', 'Identity keys']) {
      expect(r.stdout).toContain(label);
    }
  });
});

describe('tarmac hash validate', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tarmac-hash-cli-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const good = encodeHardwareHash(syntheticInventory(42)).base64;
  const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  /** Flips one bit of the serial number's text inside the hash: the records still walk, only the SHA-256 fails. */
  const flipSerialBit = (b64: string): string => {
    const bytes = Buffer.from(b64, 'base64');
    const serial = syntheticInventory(42).system.serialNumber ?? '';
    const at = bytes.indexOf(Buffer.from(serial, 'latin1'));
    bytes[at] ^= 0x01;
    return bytes.toString('base64');
  };

  it('accepts every real hash (exit 0)', needsRealHashes, async () => {
    const r = await runTarmac(['hash', 'validate', ...realFiles]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('64 valid, 0 invalid');
  });

  it.each([
    { what: 'truncated', text: good.slice(0, 1000), codes: ['HashTooShort'], offset: 750 },
    { what: 'a bit flipped inside a record', text: flipSerialBit(good), codes: ['ChecksumMismatch'] },
    { what: 'a bit flipped in the magic', text: flip(good, 0), codes: ['BadMagic'], offset: 0 },
    { what: 'a bit flipped in the header length', text: flip(good, 3), codes: ['RecordOverrun', 'RecordTooShort', 'RecordWalkMismatch'] },
    { what: 'padding inside the text', text: `${good.slice(0, 100)}=${good.slice(101)}`, codes: ['InvalidBase64'], offset: 100 },
    { what: 'a character outside base64', text: `${good.slice(0, 50)}*${good.slice(51)}`, codes: ['InvalidBase64'], offset: 50 },
  ])('rejects a hash with $what (exit 1, $codes)', async ({ text, codes, offset }) => {
    const r = await runTarmac(['hash', 'validate', '--json', text]);
    expect(r.code).toBe(1);
    const [result] = JSON.parse(r.stdout) as { valid: boolean; issues: { code: string; severity: string; offset: number }[] }[];
    expect(result.valid).toBe(false);
    const errors = result.issues.filter((i) => i.severity === 'error');
    expect(codes).toContain(errors[0].code);
    expect(typeof errors[0].offset).toBe('number');
    if (offset !== undefined) expect(errors[0].offset).toBe(offset);
  });

  it('repairs missing base64 padding and says so (exit 0)', async () => {
    const unpadded = good.slice(0, 3998);
    const r = await runTarmac(['hash', 'validate', unpadded]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('HashPaddingFixed');
  });

  it('reads a bare base64 file and stdin, and names each source', async () => {
    const file = path.join(tmp, 'hash.txt');
    writeFileSync(file, `${good}\n`);
    const r = await runTarmac(['hash', 'validate', '--json', file, '-'], { input: flipSerialBit(good) });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as { source: string; valid: boolean }[];
    expect(results).toEqual([
      expect.objectContaining({ source: file, valid: true }),
      expect.objectContaining({ source: 'stdin', valid: false }),
    ]);
  });

  it('says so when an argument is neither a file nor a hash (exit 1)', async () => {
    const r = await runTarmac(['hash', 'validate', 'no-such-file.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no such file, and not a base64 hash');
  });
});
