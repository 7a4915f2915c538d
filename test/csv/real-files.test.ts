// The real Get-WindowsAutopilotInfo files, read in place from ../shared/data/real-hashes (never copied).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixCsv, mergeCsv, readCsv, validateCsv } from '../../src/csv/index.js';
import { fromRealHashes, needsRealHashes, realCsvFiles } from '../support/real-hashes.js';

const files = fromRealHashes(realCsvFiles, []);
// Made lazily: when the corpus is missing every test here skips, and vitest then runs no afterAll to remove it.
let tmpDir: string | undefined;
const tmp = (): string => (tmpDir ??= mkdtempSync(path.join(os.tmpdir(), 'tarmac-real-')));
afterAll(() => {
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
});

/**
 * Two of the real files are QEMU VMs: the CSV serial and PKID are empty and the hash holds the placeholder serial
 * SMBIOS_STRING_INDEX_0 and no OA3 key. By Microsoft's rule that is 803 MissingZtdSerialNumberAndProductKey: an
 * error in strict mode. Their SMBIOS UUIDs still identify them, so lenient mode accepts them with that code as a
 * warning.
 */
async function isPlaceholderVm(file: string): Promise<boolean> {
  for await (const r of readCsv(file)) {
    if (r.serialNumber === '' && r.decoded?.identity?.placeholders.includes('serialNumber')) return true;
  }
  return false;
}

describe('real UTF-16 files written by Get-WindowsAutopilotInfo', needsRealHashes, () => {
  it('there are 63 of them', () => {
    expect(files).toHaveLength(63);
  });

  it.each(files.map((f) => [path.basename(f).replace(/__.*/, '…'), f]))('%s validates (lenient: no errors; strict: only UnsupportedEncoding)', async (_name, file) => {
    const vm = await isPlaceholderVm(file);
    const lenient = await validateCsv(file);
    expect(lenient.encoding).toEqual({ name: 'utf-16le', bom: true });
    expect(lenient.lineEndings).toBe('crlf');
    expect(lenient.dialect?.name).toMatch(/^intune-[34]$/);
    expect(lenient.rows).toBe(1);
    const lenientErrors = lenient.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.line}`);
    expect(lenientErrors).toEqual([]);
    expect(lenient.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code)).toEqual(
      vm ? ['UnsupportedEncoding', 'MissingZtdSerialNumberAndProductKey'] : ['UnsupportedEncoding'],
    );

    const strict = await validateCsv(file, { strict: true });
    expect(strict.diagnostics.map((d) => `${d.severity}:${d.code}`)).toEqual(
      vm ? ['error:UnsupportedEncoding', 'error:MissingZtdSerialNumberAndProductKey'] : ['error:UnsupportedEncoding'],
    );
  });

  it('exactly two of them are placeholder-serial VMs', async () => {
    let n = 0;
    for (const f of files) if (await isPlaceholderVm(f)) n++;
    expect(n).toBe(2);
  });

  it('fixCsv turns each into a file strict mode accepts', async () => {
    for (const file of files) {
      const out = path.join(tmp(), 'fixed.csv');
      const fixed = await fixCsv(file, out);
      expect(fixed.changes.map((c) => c.kind)).toContain('reencoded');
      const again = await validateCsv(out, { strict: true });
      // A placeholder VM's row is left out, which leaves a header-only file.
      expect(again.diagnostics.map((d) => d.code)).toEqual(fixed.rowsWritten === 0 ? ['NoDataRows'] : []);
      expect(again.rows).toBe(fixed.rowsWritten);
      expect(fixed.rowsWritten + fixed.dropped.length).toBe(1);
      expect(readFileSync(out).every((b) => b < 0x80)).toBe(true);
    }
  });

  it('merging all of them keeps one row per device, the latest capture', async () => {
    const out = path.join(tmp(), 'merged.csv');
    const merged = await mergeCsv(files, out);
    const superseded = merged.dropped.filter((d) => d.codes.includes('ZtdDeviceDuplicated'));
    const invalid = merged.dropped.filter((d) => !d.codes.includes('ZtdDeviceDuplicated'));
    // Devices captured more than once (SOURCES.md: one device twice, one three times) and the two placeholder VMs.
    expect(superseded).toHaveLength(3);
    expect(invalid.map((d) => d.codes)).toEqual([['MissingZtdSerialNumberAndProductKey'], ['MissingZtdSerialNumberAndProductKey']]);
    expect(merged.rowsRead).toBe(63);
    expect(merged.rowsWritten).toBe(58);
    const check = await validateCsv(out, { strict: true, keepRecords: true });
    expect(check.diagnostics).toEqual([]);
    expect(check.devices).toBe(58);
    // Every superseded row lost to a row captured later (or at the same time and further down).
    const captured = new Map<string, string | null>();
    for (const f of files) for await (const r of readCsv(f)) captured.set(`${f}:${r.line}`, r.capturedAt);
    for (const d of superseded) {
      const mine = captured.get(`${d.file}:${d.line}`) ?? '';
      const kept = captured.get(`${d.keptFile}:${d.keptLine}`) ?? '';
      expect(kept >= mine).toBe(true);
    }
  });
});
