// `tarmac csv validate|fix|merge` as a user runs them: the real binary on real files (read in place from ../shared)
// and on damaged files built from synthetic devices, in both modes, checking code, line and severity.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { H3, H4, H5, HP, damagedHash, encode, fakeDevice, lines, recapture, unpaddedHash } from '../support/csv-fixtures.js';
import type { FixtureEncoding } from '../support/csv-fixtures.js';
import { REAL_DIR, assertRealDir, fromRealHashes, needsRealHashes } from '../support/real-hashes.js';
import { runTarmac } from '../support/run-tarmac.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tarmac-csv-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface ValidateJson {
  mode: string;
  ok: boolean;
  encoding: string;
  dialect: string;
  rows: number;
  devices: number;
  diagnostics: { line: number; column: string | null; code: string; severity: 'error' | 'warning'; message: string; hint: string }[];
}

let fileCount = 0;
function writeFixture(text: string, encoding: FixtureEncoding = 'utf-8', bom = false): string {
  const file = path.join(tmp, `case-${++fileCount}.csv`);
  writeFileSync(file, encode(text, encoding, bom));
  return file;
}

async function validate(file: string, strict: boolean): Promise<{ code: number | null; json: ValidateJson }> {
  const r = await runTarmac(['csv', 'validate', '--json', ...(strict ? ['--strict'] : []), file]);
  expect(r.stderr).toBe('');
  return { code: r.code, json: JSON.parse(r.stdout) as ValidateJson };
}

/** `E:Code@line` / `W:Code@line`, the way the cases below are written. */
function brief(json: ValidateJson): string[] {
  return json.diagnostics.map((d) => `${d.severity === 'error' ? 'E' : 'W'}:${d.code}@${d.line}`);
}

const a = fakeDevice(101);
const b = fakeDevice(102);
const c = fakeDevice(103);
const row = (d: { serial: string; hash: string }, rest = ''): string => `${d.serial},,${d.hash}${rest}`;

interface Case {
  what: string;
  text: string;
  encoding?: FixtureEncoding;
  bom?: boolean;
  lenient: string[];
  strict: string[];
}

const cases: Case[] = [
  { what: 'a clean ANSI 3-column file', text: lines([H3, row(a), row(b)]), lenient: [], strict: [] },
  { what: 'a clean 4-column file with group tags', text: lines([H4, row(a, ',Sales'), row(b, ',')]), lenient: [], strict: [] },
  { what: 'a clean 5-column file with an assigned user', text: lines([H5, row(a, ',Sales,adele@contoso.com')]), lenient: [], strict: [] },
  { what: 'LF line endings', text: lines([H3, row(a)], '\n'), lenient: [], strict: [] },
  {
    what: 'UTF-16BE with BOM',
    text: lines([H3, row(a)]),
    encoding: 'utf-16be',
    bom: true,
    lenient: ['W:UnsupportedEncoding@1'],
    strict: ['E:UnsupportedEncoding@1'],
  },
  {
    what: 'UTF-8 with BOM',
    text: lines([H3, row(a)]),
    encoding: 'utf-8',
    bom: true,
    lenient: ['W:UnsupportedEncoding@1'],
    strict: ['E:UnsupportedEncoding@1'],
  },
  {
    what: 'windows-1252 with an accented group tag',
    text: lines([H4, row(a, ',Ventes-Montréal')]),
    encoding: 'windows-1252',
    lenient: ['W:NonAsciiValue@2'],
    strict: ['W:NonAsciiValue@2'],
  },
  {
    what: 'a header in the wrong case',
    text: lines(['device serial number,windows product id,hardware hash', row(a)]),
    // one per column
    lenient: ['W:HeaderCaseMismatch@1', 'W:HeaderCaseMismatch@1', 'W:HeaderCaseMismatch@1'],
    strict: ['E:HeaderCaseMismatch@1', 'E:HeaderCaseMismatch@1', 'E:HeaderCaseMismatch@1'],
  },
  { what: 'no Autopilot header', text: lines(['Name,Value', 'x,y']), lenient: ['E:InvalidHeader@1'], strict: ['E:InvalidHeader@1'] },
  {
    what: 'OrderID instead of Group Tag',
    text: lines([`${H3},OrderID`, row(a, ',PO-1')]),
    lenient: ['W:HeaderAlias@1'],
    strict: ['E:HeaderAlias@1'],
  },
  {
    what: 'quoted values (saved from Excel)',
    text: lines([H3, `"${a.serial}","","${a.hash}"`, row(b)]),
    lenient: ['W:QuotedValue@2'],
    strict: ['E:QuotedValue@2'],
  },
  {
    what: 'a value in an extra column',
    text: lines([H3, row(a), row(b, ',surprise')]),
    lenient: ['E:ExtraColumns@3'],
    strict: ['E:ExtraColumns@3'],
  },
  {
    what: 'a damaged hash',
    text: lines([H3, row(a), `${b.serial},,${damagedHash(b.hash)}`]),
    lenient: ['E:InvalidZtdHardwareHash@3'],
    strict: ['E:InvalidZtdHardwareHash@3'],
  },
  {
    what: 'an unpadded hash',
    text: lines([H3, `${a.serial},,${unpaddedHash(a.hash)}`]),
    lenient: ['W:HashPaddingFixed@2', 'W:HashWarning@2'],
    strict: ['E:HashPaddingFixed@2', 'W:HashWarning@2'],
  },
  {
    what: 'the same device captured twice',
    text: lines([H3, row(recapture(104, '2025-01-01T10:00:00Z')), row(c), row(recapture(104, '2025-03-01T10:00:00Z'))]),
    lenient: ['E:ZtdDeviceDuplicated@4'],
    strict: ['E:ZtdDeviceDuplicated@4'],
  },
  {
    what: 'a serial that differs from the one inside the hash',
    text: lines([H3, `WRONG-SERIAL,,${a.hash}`]),
    lenient: ['W:SerialNumberMismatch@2'],
    strict: ['W:SerialNumberMismatch@2'],
  },
  {
    what: 'an assigned user that is not a UPN',
    text: lines([H5, row(a, ',,adele@contoso.com'), row(b, ',,adele')]),
    lenient: ['E:InvalidAssignedUser@3'],
    strict: ['E:InvalidAssignedUser@3'],
  },
  {
    what: 'no serial anywhere and no PKID (placeholder serial, no UUID, no TPM)',
    text: lines([
      H3,
      `,,${
        fakeDevice(105, (inv) => {
          inv.system.serialNumber = 'To be filled by O.E.M.';
          inv.system.smbiosUuid = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
          inv.productKey.productKeyId = null;
          inv.tpm = { version: null, ekPublicKey: null, offlineDeviceId: null };
        }).hash
      }`,
    ]),
    lenient: ['E:MissingZtdSerialNumberAndProductKey@2'],
    strict: ['E:MissingZtdSerialNumberAndProductKey@2'],
  },
  {
    what: 'the partner dialect',
    text: lines([HP, `${a.serial},,${a.hash},${a.manufacturer},${a.model}`]),
    lenient: [],
    strict: [],
  },
  {
    what: 'a Configuration Manager report export',
    text: lines(['Windows Autopilot Device Information', 'Collection: All Systems', '', 'Serial Number,Windows Product ID,Hardware Hash', row(a), row(b)]),
    lenient: ['W:PreambleSkipped@1', 'W:PreambleSkipped@2', 'W:BlankLine@3', 'W:HeaderAlias@4'],
    strict: ['E:PreambleSkipped@1', 'E:PreambleSkipped@2', 'W:BlankLine@3', 'E:HeaderAlias@4'],
  },
  {
    what: '501 data rows',
    text: lines([H3, ...Array.from({ length: 501 }, (_, i) => row(fakeDevice(2000 + i)))]),
    lenient: ['W:TooManyRows@502'],
    strict: ['E:TooManyRows@502'],
  },
];

describe('tarmac csv validate --json: the right code at the right line, in both modes', () => {
  it.each(cases)('$what', async (k) => {
    const file = writeFixture(k.text, k.encoding, k.bom);
    for (const strict of [false, true]) {
      const { code, json } = await validate(file, strict);
      const expected = strict ? k.strict : k.lenient;
      expect(brief(json), `${strict ? 'strict' : 'lenient'}`).toEqual(expected);
      expect(code).toBe(expected.some((e) => e.startsWith('E:')) ? 1 : 0);
      expect(json.mode).toBe(strict ? 'strict' : 'lenient');
      for (const d of json.diagnostics) {
        expect(d.message.length).toBeGreaterThan(10);
        expect(d.hint.length).toBeGreaterThan(5);
        expect(d.message).not.toContain('\n');
      }
    }
  });

  it('names the column of a row problem by its header', async () => {
    const file = writeFixture(lines([H5, row(a, ',,adele')]));
    const { json } = await validate(file, false);
    expect(json.diagnostics[0]).toMatchObject({ line: 2, column: 'Assigned User', code: 'InvalidAssignedUser' });
  });
});

// A file big enough for worker threads (more than 4 MiB after the header): the --json output of every core must be
// byte for byte that of one thread (test/csv/validate-parallel.test.ts covers the block edges in-process).
describe('tarmac csv validate --threads: every core, the same output', () => {
  it('prints the same --json for 1 and 2 threads on a damaged 1,200-row file', { timeout: 120_000 }, async () => {
    const devices = Array.from({ length: 50 }, (_, i) => fakeDevice(5000 + i));
    const body: string[] = [H4];
    for (let i = 0; i < 1200; i++) {
      const d = devices[i % devices.length];
      const k = i % 17;
      body.push(
        k === 2 ? `${d.serial},,${damagedHash(d.hash, 100 + i)},Sales` :
        k === 4 ? '' :
        k === 5 ? ',,,' :
        k === 7 ? `"${d.serial}",,${d.hash},Sales ` :
        k === 9 ? `,,${unpaddedHash(d.hash)},Caf\u00e9` :
        k === 11 ? `${d.serial},12,${recapture(5000 + (i % devices.length), '2023-05-06T07:08:09Z').hash},Sales` :
        `${d.serial},,${d.hash},Sales`,
      );
    }
    const file = writeFixture(lines(body));
    for (const strict of [false, true]) {
      const flags = ['csv', 'validate', '--json', ...(strict ? ['--strict'] : []), file];
      const [one, all] = await Promise.all([runTarmac([...flags, '--threads', '1']), runTarmac([...flags, '--threads', '2'])]);
      expect(all.stderr).toBe('');
      expect(all.code).toBe(1);
      expect(all.stdout).toBe(one.stdout);
      expect(brief(JSON.parse(all.stdout) as ValidateJson)).toContain('E:ZtdDeviceDuplicated@52');
    }
  });
});

// All 63 real files are checked in-process by test/csv/real-files.test.ts; here a spread of them goes through the
// binary: the 2018 ToolVersion 3 file, the VMs (two with a placeholder serial) and a few laptops.
describe('tarmac csv validate on the real UTF-16 files', needsRealHashes, () => {
  const all = fromRealHashes(() => (assertRealDir(), readdirSync(REAL_DIR).filter((f) => f.endsWith('.csv'))), []);
  const files = [...all.filter((f) => /tklawun|Pmedley26|M3sterKw0n|HexDK|Gwynedd/.test(f)), ...all.filter((f) => f.startsWith('it-simonds')).slice(0, 3)].map((f) =>
    path.join(REAL_DIR, f),
  );

  it('accepts each without errors (lenient), and names their encoding (strict)', { timeout: 120_000 }, async () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    const results: { file: string; lenient: ValidateJson; lenientCode: number | null; strict: ValidateJson }[] = [];
    for (let i = 0; i < files.length; i += 4) {
      const batch = files.slice(i, i + 4);
      results.push(
        ...(await Promise.all(
          batch.map(async (file) => {
            const l = await validate(file, false);
            const s = await validate(file, true);
            return { file, lenient: l.json, lenientCode: l.code, strict: s.json };
          }),
        )),
      );
    }
    for (const r of results) {
      expect(r.lenientCode, r.file).toBe(0);
      expect(r.lenient.encoding).toBe('utf-16le');
      expect(r.lenient.diagnostics.filter((d) => d.severity === 'error'), r.file).toEqual([]);
      expect(r.strict.diagnostics.find((d) => d.code === 'UnsupportedEncoding')?.severity).toBe('error');
    }
  });
});

describe('tarmac csv fix and merge', () => {
  it('fix writes a canonical file that strict mode accepts, and lists what changed and what was left out', async () => {
    const input = writeFixture(lines([`${H3},OrderID`, `"${a.serial}","","${a.hash}","PO-1"`, `${b.serial},,${unpaddedHash(b.hash)},`, `${c.serial},,${damagedHash(c.hash)},`]), 'utf-16le', true);
    const out = path.join(tmp, 'fixed.csv');
    const r = await runTarmac(['csv', 'fix', '--json', input, '-o', out]);
    expect(r.code).toBe(1); // one row had to be left out
    const report = JSON.parse(r.stdout) as { rowsRead: number; rowsWritten: number; changes: { kind: string }[]; dropped: { line: number; codes: string[] }[] };
    expect(report.rowsRead).toBe(3);
    expect(report.rowsWritten).toBe(2);
    expect(report.dropped).toEqual([expect.objectContaining({ line: 4, codes: ['InvalidZtdHardwareHash'] })]);
    expect(report.changes.map((x) => x.kind)).toEqual(expect.arrayContaining(['reencoded', 'quotesRemoved', 'paddingFixed']));
    const written = readFileSync(out);
    expect(written.every((byte) => byte < 0x80)).toBe(true);
    expect(written.toString('latin1').split('\r\n')[0]).toBe(H4);
    const again = await validate(out, true);
    expect(again.json.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(again.code).toBe(0);
  });

  it('merge keeps one row per device, the latest capture, and reports what it dropped', async () => {
    const older = recapture(110, '2024-05-01T08:00:00Z');
    const newer = recapture(110, '2025-05-01T08:00:00Z');
    const one = writeFixture(lines([H3, row(newer), row(a)]));
    const two = writeFixture(lines([H4, row(older, ',Lab'), row(b, ',Lab')]), 'utf-16le', true);
    const out = path.join(tmp, 'merged.csv');
    const r = await runTarmac(['csv', 'merge', '--json', one, two, '-o', out]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { rowsRead: number; rowsWritten: number; dropped: { file: string; line: number; codes: string[] }[] };
    expect(report.rowsRead).toBe(4);
    expect(report.rowsWritten).toBe(3);
    expect(report.dropped).toEqual([expect.objectContaining({ file: two, line: 2, codes: ['ZtdDeviceDuplicated'] })]);
    const text = readFileSync(out, 'latin1');
    expect(text).toContain(newer.hash);
    expect(text).not.toContain(older.hash);
    expect((await validate(out, true)).code).toBe(0);
  });
});

describe('tarmac --help', () => {
  it.each([['hash', 'decode'], ['hash', 'validate'], ['csv', 'validate'], ['csv', 'fix'], ['csv', 'merge']])('%s %s --help shows examples', async (...cmd) => {
    const r = await runTarmac([...cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain(`tarmac ${cmd.join(' ')}`);
  });

  it('exits 2 on a usage error', async () => {
    const r = await runTarmac(['csv', 'fix', 'in.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '-o, --output <out>'");
  });
});
