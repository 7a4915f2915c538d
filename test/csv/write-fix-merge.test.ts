import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { fixCsv, fixCsvText, formatCsv, mergeCsv, toAsciiValue, validateCsv, writeCsv } from '../../src/csv/index.js';
import type { CsvSource } from '../../src/csv/index.js';
import { H3, H4, H5, HP, damagedHash, encode, fakeDevice, lines, recapture, unpaddedHash } from '../support/csv-fixtures.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tarmac-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const file = (content?: string | Uint8Array): string => {
  const p = path.join(tmp, `f${++n}.csv`);
  if (content !== undefined) writeFileSync(p, content);
  return p;
};

const dev = [0, 1, 2, 3, 4, 5].map((i) => fakeDevice(100 + i));

/** Strict mode finds nothing in `out` (but the `allowed` warnings, which no rewrite can remove). */
async function strictClean(out: string, rowsExpected: number, allowed: string[] = []): Promise<void> {
  const r = await validateCsv(out, { strict: true });
  expect(r.diagnostics.map((d) => `${d.severity}:${d.code}@${d.line}`)).toEqual(allowed);
  expect(r.rows).toBe(rowsExpected);
  const bytes = readFileSync(out);
  expect(bytes.every((b) => b < 0x80)).toBe(true);
  const text = bytes.toString('latin1');
  expect(text).not.toContain('"');
  expect(text.split('\r\n').at(-1)).toBe('');
  expect(text.replaceAll('\r\n', '')).not.toContain('\n');
}

describe('writeCsv', () => {
  it('writes the fewest columns needed and strict mode accepts the result', async () => {
    const base = dev.slice(0, 2).map((d) => ({ serialNumber: d.serial, productKeyId: '', hardwareHash: d.hash }));
    const three = file();
    expect(await writeCsv(base, three)).toMatchObject({ rows: 2, columns: 3 });
    expect(readFileSync(three, 'latin1').split('\r\n')[0]).toBe(H3);
    await strictClean(three, 2);

    const four = file();
    await writeCsv([{ ...base[0], groupTag: 'Sales' }, base[1]], four);
    expect(readFileSync(four, 'latin1').split('\r\n')[0]).toBe(H4);
    await strictClean(four, 2);

    const five = file();
    await writeCsv([{ ...base[0], assignedUser: 'adele@contoso.com' }, base[1]], five);
    expect(readFileSync(five, 'latin1').split('\r\n')[0]).toBe(H5);
    await strictClean(five, 2);
  });

  it('writes the partner header', () => {
    const text = formatCsv([{ serialNumber: dev[0].serial, productKeyId: '', hardwareHash: dev[0].hash, manufacturer: 'HP', model: 'X' }], { dialect: 'partner' });
    expect(text.split('\r\n')[0]).toBe(HP);
  });

  it('writes to a stream and refuses values Intune cannot take', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    await writeCsv([{ serialNumber: 'A', productKeyId: '', hardwareHash: dev[0].hash }], sink, { columns: 3 });
    expect(Buffer.concat(chunks).toString('latin1')).toBe(`${H3}\r\nA,,${dev[0].hash}\r\n`);
    await expect(writeCsv([{ serialNumber: 'A,B', productKeyId: '', hardwareHash: 'x' }], file())).rejects.toThrow(/comma/);
  });

  it('reduces free text to ASCII', () => {
    expect(toAsciiValue('Fréjus')).toEqual({ value: 'Frejus', exact: false, lossy: false });
    expect(toAsciiValue('Straße')).toMatchObject({ value: 'Strasse', lossy: false });
    expect(toAsciiValue('東京')).toMatchObject({ value: '', lossy: true });
    expect(toAsciiValue('Sales')).toEqual({ value: 'Sales', exact: true, lossy: false });
  });
});

describe('fixCsv', () => {
  it('repairs every kind of damage it can and lists what it did; strict mode accepts the result', async () => {
    const again = recapture(103, '2032-01-01T00:00:00Z');
    const text = lines([
      'Windows Autopilot Device Information',
      '',
      '"Device serial number","Windows Product ID","Hardware Hash","OrderID","Assigned User",""',
      `"${dev[0].serial}","","${dev[0].hash}","Fréjus","adele@contoso.com",""`, // 4: quotes, é, trailing column
      `${dev[1].serial} ,,${unpaddedHash(dev[1].hash)},,,`, // 5: whitespace, unpadded
      `,,${dev[2].hash},Sales,,`, // 6: serial filled from the hash
      `WRONG,,${dev[3].hash},,,`, // 7: serial replaced
      `${dev[4].serial},,${damagedHash(dev[4].hash)},,,`, // 8: dropped (802)
      `${dev[5].serial},,${dev[5].hash},,nope,`, // 9: dropped (bad UPN)
      `${again.serial},,${again.hash},,,`, // 10: dropped (duplicate of line 7)
      '',
    ]);
    const input = file(encode(text, 'utf-16le', true));
    const out = file();
    const r = await fixCsv(input, out);
    expect(r.inputDialect?.name).toBe('configmgr');
    expect(r.rowsRead).toBe(7);
    expect(r.rowsWritten).toBe(4);
    expect(r.columns).toBe(5);
    expect(r.dropped.map((d) => [d.line, d.codes])).toEqual([
      [8, ['InvalidZtdHardwareHash']],
      [9, ['InvalidAssignedUser']],
      [10, ['ZtdDeviceDuplicated']],
    ]);
    const kinds = Object.fromEntries(r.changes.map((c) => [c.kind, c.lines]));
    expect(kinds).toMatchObject({
      reencoded: [],
      preambleRemoved: [1],
      groupTagColumnRenamed: [3],
      headerNormalised: [3],
      columnsRemoved: [3],
      blankLinesRemoved: [2, 11],
      quotesRemoved: [4],
      transliterated: [4],
      whitespaceTrimmed: [5],
      paddingFixed: [5],
      serialNumberFilled: [6],
      serialNumberReplaced: [7],
      rowsDropped: [8, 9, 10],
    });
    // The unpadded hash is 2999 bytes: re-padding fixes its base64, but its size stays unusual (a warning).
    await strictClean(out, 4, ['warning:HashWarning@3']);
    const written = readFileSync(out, 'latin1').split('\r\n');
    expect(written[0]).toBe(H5);
    expect(written[1]).toBe(`${dev[0].serial},,${dev[0].hash},Frejus,adele@contoso.com`);
    expect(written[2]).toBe(`${dev[1].serial},,${Buffer.from(unpaddedHash(dev[1].hash), 'base64').toString('base64')},,`);
    expect(written[3].startsWith(`${dev[2].serial},,`)).toBe(true);
    expect(written[4].startsWith(`${dev[3].serial},,`)).toBe(true);
  });

  it.each([
    ['UTF-16BE', encode(lines([H3, `${dev[0].serial},,${dev[0].hash}`]), 'utf-16be', true)],
    ['UTF-8 BOM', encode(lines([H3, `${dev[0].serial},,${dev[0].hash}`]), 'utf-8', true)],
    ['windows-1252', encode(lines([H4, `${dev[0].serial},,${dev[0].hash},Fréjus`]), 'windows-1252')],
    ['LF', Buffer.from(`${H3}\n${dev[0].serial},,${dev[0].hash}\n`)],
    ['semicolons', Buffer.from(lines([H3.replaceAll(',', ';'), `${dev[0].serial};;${dev[0].hash}`]))],
    ['no header', Buffer.from(lines([`${dev[0].serial},,${dev[0].hash}`]))],
    ['partner', Buffer.from(lines([HP.toLowerCase(), `${dev[0].serial},,${dev[0].hash},${dev[0].manufacturer},${dev[0].model}`, ',1234567890123,,,']))],
  ])('%s → strict-clean output', async (_name, bytes) => {
    const out = file();
    const r = await fixCsv(file(bytes), out);
    expect(r.dropped).toEqual([]);
    await strictClean(out, r.rowsWritten);
    expect(r.rowsWritten).toBeGreaterThan(0);
  });

  it('fixCsvText (the browser\'s fix) gives the same file and the same report as fixCsv', async () => {
    const bytes = encode(lines([`${H3},OrderID`, `"${dev[0].serial}","","${dev[0].hash}","Fréjus"`, `${dev[1].serial},,${unpaddedHash(dev[1].hash)},`, `${dev[2].serial},,${damagedHash(dev[2].hash)},`]), 'utf-16le', true);
    const out = file();
    const { output, ...viaFile } = await fixCsv(file(bytes), out);
    expect(output).toBe(out);
    const { text, ...viaText } = await fixCsvText(bytes);
    expect(viaText).toEqual(viaFile);
    expect(text).toBe(readFileSync(out, 'latin1'));
    expect(viaText.dropped.map((d) => d.line)).toEqual([4]);
    expect((await fixCsvText(Buffer.from('hello\r\nworld\r\n'))).text).toBeNull();
  });

  it('accepts a stream as input (spooled, then read twice)', async () => {
    const bytes = Buffer.from(lines([H3, `"${dev[0].serial}",,${dev[0].hash}`]));
    const out = file();
    const r = await fixCsv(Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]), out);
    expect(r.rowsWritten).toBe(1);
    expect(r.changes.map((c) => c.kind)).toEqual(['quotesRemoved']);
    await strictClean(out, 1);
  });

  it('writes nothing when there is no header to go by', async () => {
    const out = file();
    const r = await fixCsv(Buffer.from('hello\r\nworld\r\n'), out);
    expect(r.output).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['InvalidHeader']);
  });
});

describe('mergeCsv', () => {
  it('keeps the latest capture of each device and reports what it dropped', async () => {
    const early = recapture(103, '2024-01-01T00:00:00Z');
    const late = recapture(103, '2025-06-01T00:00:00Z');
    const a = file(encode(lines([H3, `${dev[0].serial},,${dev[0].hash}`, `${late.serial},,${late.hash}`, `${dev[1].serial},,${damagedHash(dev[1].hash)}`]), 'utf-16le', true));
    const b = file(lines([H4, `${early.serial},,${early.hash},Lab`, `${dev[2].serial},,${dev[2].hash},Lab`, `${dev[0].serial},,${dev[0].hash},`]));
    const out = file();
    const r = await mergeCsv([a, b], out);
    expect(r.rowsRead).toBe(6);
    expect(r.rowsWritten).toBe(3);
    expect(r.dropped.map((d) => [path.basename(d.file), d.line, d.codes[0]])).toEqual([
      [path.basename(a), 2, 'ZtdDeviceDuplicated'],
      [path.basename(a), 4, 'InvalidZtdHardwareHash'],
      [path.basename(b), 2, 'ZtdDeviceDuplicated'],
    ]);
    const superseded = r.dropped.find((d) => d.file === b && d.line === 2);
    expect(superseded).toMatchObject({ keptFile: a, keptLine: 3 });
    expect(superseded?.reason).toContain('captured later');
    // The same capture in both files: the later file's row is kept.
    const tie = r.dropped.find((d) => d.file === a && d.line === 2);
    expect(tie).toMatchObject({ keptFile: b, keptLine: 4 });
    expect(tie?.reason).toContain('same capture time');
    await strictClean(out, 3);
    const check = await validateCsv(out, { keepRecords: true });
    expect(check.records?.map((x) => x.capturedAt)).toContain('2025-06-01T00:00:00Z');
    expect(check.records?.map((x) => x.capturedAt)).not.toContain('2024-01-01T00:00:00Z');
    expect(r.columns).toBe(4);
  });

  it('the later file wins a tie, and a device listed once is never dropped', async () => {
    const x = file(lines([H3, `${dev[4].serial},,${dev[4].hash}`]));
    const y = file(lines([H3, `${dev[4].serial},,${dev[4].hash}`, `${dev[5].serial},,${dev[5].hash}`]));
    const out = file();
    const r = await mergeCsv([x, y] as CsvSource[], out);
    expect(r.rowsWritten).toBe(2);
    expect(r.dropped).toMatchObject([{ file: x, line: 2, keptFile: y, keptLine: 2 }]);
  });
});
