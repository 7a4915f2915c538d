import { describe, expect, it } from 'vitest';
import { validateCsv } from '../../src/csv/index.js';
import type { CsvDiagnostic, ValidateCsvResult } from '../../src/csv/index.js';
import { H3, H4, H5, HP, damagedHash, encode, fakeDevice, lines, recapture, rows, unpaddedHash } from '../support/csv-fixtures.js';

const check = (input: string | Uint8Array, strict = false): Promise<ValidateCsvResult> =>
  validateCsv(typeof input === 'string' ? Buffer.from(input, 'latin1') : input, { strict });

/** `severity:code@line` for every diagnostic, in file order. */
const brief = (r: ValidateCsvResult): string[] => r.diagnostics.map((d) => `${d.severity === 'error' ? 'E' : 'W'}:${d.code}@${d.line}`);

const only = (r: ValidateCsvResult, code: string): CsvDiagnostic[] => r.diagnostics.filter((d) => d.code === code);

const dev1 = fakeDevice(1);
const dev2 = fakeDevice(2);
const dev3 = fakeDevice(3);
const row = (d: { serial: string; hash: string }, extra = '') => `${d.serial},,${d.hash}${extra}`;

describe('a clean canonical file', () => {
  it.each([false, true])('has no diagnostics (strict %s)', async (strict) => {
    const r = await check(lines([H3, row(dev1), row(dev2)]), strict);
    expect(r.diagnostics).toEqual([]);
    expect(r).toMatchObject({ ok: true, rows: 2, devices: 2, lines: 3, lineEndings: 'crlf', encoding: { name: 'ascii', bom: false } });
    expect(r.dialect?.name).toBe('intune-3');
  });

  it('reads the 4- and 5-column dialects and the values', async () => {
    const r = await validateCsv(Buffer.from(lines([H5, `${dev1.serial},,${dev1.hash},Sales,adele@contoso.com`, `${dev2.serial},,${dev2.hash},,`])), {
      strict: true,
      keepRecords: true,
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.dialect?.name).toBe('intune-5');
    expect(r.records?.[0]).toMatchObject({ line: 2, serialNumber: dev1.serial, groupTag: 'Sales', assignedUser: 'adele@contoso.com', valid: true });
    expect(r.records?.[0].identityKeys.length).toBeGreaterThan(0);
    expect(r.records?.[0].capturedAt).toBe(dev1.capturedAt);
    const r4 = await check(lines([H4, `${dev1.serial},,${dev1.hash},Sales`]), true);
    expect(r4.dialect?.name).toBe('intune-4');
    expect(r4.diagnostics).toEqual([]);
  });
});

describe('encodings', () => {
  const text = lines([H3, row(dev1), row(dev2)]);

  it.each([
    ['utf-16le', true],
    ['utf-16be', true],
    ['utf-16le', false],
    ['utf-8', true],
  ] as const)('%s (BOM %s): warning in lenient mode, UnsupportedEncoding error in strict mode', async (enc, bom) => {
    const bytes = encode(text, enc, bom);
    const lenient = await check(bytes);
    expect(brief(lenient)).toEqual(['W:UnsupportedEncoding@1']);
    expect(lenient.rows).toBe(2);
    expect(lenient.encoding?.name).toBe(enc === 'utf-8' ? 'utf-8-bom' : enc);
    const strict = await check(bytes, true);
    expect(brief(strict)).toEqual(['E:UnsupportedEncoding@1']);
  });

  it('windows-1252 with é in a group tag: ANSI is accepted, the non-ASCII tag is a warning in both modes', async () => {
    const bytes = encode(lines([H4, `${dev1.serial},,${dev1.hash},Sales`, `${dev2.serial},,${dev2.hash},Fréjus`]), 'windows-1252');
    for (const strict of [false, true]) {
      const r = await validateCsv(bytes, { strict, keepRecords: true });
      expect(r.encoding?.name).toBe('windows-1252');
      expect(brief(r)).toEqual(['W:NonAsciiValue@3']);
      expect(r.diagnostics[0]).toMatchObject({ column: 'Group Tag', field: 'groupTag' });
      expect(r.records?.[1].groupTag).toBe('Fréjus');
    }
  });

  it('UTF-8 without BOM and with non-ASCII text is UnsupportedEncoding at the first such line', async () => {
    const bytes = encode(lines([H4, `${dev1.serial},,${dev1.hash},Sales`, `${dev2.serial},,${dev2.hash},Fréjus`]), 'utf-8');
    const strict = await check(bytes, true);
    expect(brief(strict)).toEqual(['E:UnsupportedEncoding@3', 'W:NonAsciiValue@3']);
    expect(strict.encoding?.name).toBe('utf-8');
    expect(brief(await check(bytes))).toEqual(['W:UnsupportedEncoding@3', 'W:NonAsciiValue@3']);
  });
});

describe('line endings and blank lines', () => {
  it('LF endings and a last line without a newline are fine', async () => {
    for (const strict of [false, true]) {
      const r = await check(`${H3}\n${row(dev1)}\n${row(dev2)}`, strict);
      expect(r.diagnostics).toEqual([]);
      expect(r.lineEndings).toBe('lf');
      expect(r.rows).toBe(2);
    }
  });

  it('classic Mac CR endings ("CSV (Macintosh)") are read', async () => {
    const r = await check(`${H3}\r${row(dev1)}\r${row(dev2)}\r`);
    expect(r.diagnostics).toEqual([]);
    expect(r.lineEndings).toBe('cr');
    expect(r.rows).toBe(2);
  });

  it('mixed endings and blank lines are warnings', async () => {
    const r = await check(`${H3}\r\n${row(dev1)}\n\r\n   \r\n${row(dev2)}\r\n`);
    expect(brief(r)).toEqual(['W:MixedLineEndings@2', 'W:BlankLine@3', 'W:BlankLine@4']);
    expect(r.rows).toBe(2);
    expect(r.lineEndings).toBe('mixed');
  });

  it('a row of empty values is skipped (error in strict mode)', async () => {
    expect(brief(await check(lines([H3, ',,', row(dev1)])))).toEqual(['W:EmptyRow@2']);
    expect(brief(await check(lines([H3, ',,', row(dev1)]), true))).toEqual(['E:EmptyRow@2']);
  });
});

describe('row shape', () => {
  it('quotes are stripped with a warning (lenient) and are errors in strict mode', async () => {
    const text = lines([H3, `"${dev1.serial}","","${dev1.hash}"`, row(dev2), `${dev3.serial},,"${dev3.hash}"`]);
    const r = await validateCsv(Buffer.from(text), { keepRecords: true });
    expect(brief(r)).toEqual(['W:QuotedValue@2', 'W:QuotedValue@4']);
    expect(r.records?.[0]).toMatchObject({ serialNumber: dev1.serial, hardwareHash: dev1.hash, valid: true });
    expect(only(r, 'QuotedValue')[1].column).toBe('Hardware Hash');
    expect(brief(await check(text, true))).toEqual(['E:QuotedValue@2', 'E:QuotedValue@4']);
  });

  it('an unterminated quote is closed at the end of its line; the next line is still read', async () => {
    const r = await check(lines([H3, `${dev1.serial},,"${dev1.hash}`, row(dev2)]));
    expect(brief(r)).toEqual(['W:QuotedValue@2', 'W:UnterminatedQuote@2']);
    expect(r.devices).toBe(2);
  });

  it('trailing empty columns: warning (lenient) / error (strict); a non-empty extra value is an error in both', async () => {
    const text = lines([`${H3},,`, row(dev1, ',,'), row(dev2, ',,')]);
    expect(brief(await check(text))).toEqual(['W:ExtraColumns@1', 'W:ExtraColumns@1']);
    expect(brief(await check(text, true))).toEqual(['E:ExtraColumns@1', 'E:ExtraColumns@1']);
    const rowsOnly = lines([H3, row(dev1, ','), row(dev2, ',oops')]);
    expect(brief(await check(rowsOnly))).toEqual(['W:ExtraColumns@2', 'E:ExtraColumns@3']);
    expect(brief(await check(rowsOnly, true))).toEqual(['E:ExtraColumns@2', 'E:ExtraColumns@3']);
  });

  it('a row missing the hash value is an error; missing optional values a warning', async () => {
    const r = await check(lines([H4, `${dev1.serial},`, `${dev2.serial},,${dev2.hash}`]));
    expect(brief(r)).toEqual(['E:MissingColumns@2', 'E:EmptyHardwareHash@2', 'W:MissingColumns@3']);
  });

  it('spaces and invisible characters: trimmed/removed with warnings, errors in strict mode', async () => {
    const text = lines([H4, `${dev1.serial} ,,${dev1.hash},Sales`, `${dev2.serial},,\u200b${dev2.hash},Sales`]);
    expect(brief(await check(Buffer.from(text, 'utf8')))).toEqual([
      'W:TrailingWhitespace@2',
      'W:UnsupportedEncoding@3',
      'W:HiddenCharacter@3',
    ]);
    const strict = await check(Buffer.from(text, 'utf8'), true);
    expect(brief(strict)).toEqual(['E:TrailingWhitespace@2', 'E:UnsupportedEncoding@3', 'E:HiddenCharacter@3']);
    expect(only(strict, 'HiddenCharacter')[0].message).toContain('zero-width');
  });

  it('a line too long to be a row is reported and skipped', async () => {
    const r = await validateCsv(Buffer.from(lines([H3, `x,,${'A'.repeat(5000)}`, row(dev1)])), { maxLineLength: 4500 });
    expect(brief(r)).toEqual(['E:LineTooLong@2']);
    expect(r.rows).toBe(1);
  });
});

describe('row limit', () => {
  const seeds = Array.from({ length: 501 }, (_, i) => 1000 + i);
  const all = rows(seeds);

  it('501 rows: TooManyRows at the 501st row (warning lenient, error strict); 500 rows are fine', async () => {
    const text = lines([H3, ...all]);
    const lenient = await check(text);
    expect(brief(lenient)).toEqual(['W:TooManyRows@502']);
    expect(lenient.devices).toBe(501);
    expect(brief(await check(text, true))).toEqual(['E:TooManyRows@502']);
    expect((await check(lines([H3, ...all.slice(0, 500)]), true)).diagnostics).toEqual([]);
  });
});

describe('row limit option', () => {
  it('maxRows sets the limit', async () => {
    const r = await validateCsv(Buffer.from(lines([H3, row(dev1), row(dev2), row(dev3)])), { maxRows: 2, strict: true });
    expect(brief(r)).toEqual(['E:TooManyRows@4']);
  });
});

describe('headers and dialects', () => {
  it('a header that is not recognisable is InvalidHeader in both modes', async () => {
    const text = lines(['Computer,Notes', row(dev1)]);
    for (const strict of [false, true]) {
      const r = await check(text, strict);
      expect(brief(r)).toEqual(['E:InvalidHeader@1']);
      expect(r.dialect).toBeNull();
    }
  });

  it('a file without a header still has its rows checked', async () => {
    const r = await check(lines([row(dev1), `${dev2.serial},12,${dev2.hash}`]));
    expect(brief(r)).toEqual(['E:InvalidHeader@1', 'E:InvalidProductKeyId@2']);
    expect(r.dialect?.name).toBe('headerless');
    expect(r.rows).toBe(2);
  });

  it('empty file and header-only file', async () => {
    expect(brief(await check(''))).toEqual(['E:EmptyFile@1']);
    expect(brief(await check(lines([H3])))).toEqual(['W:NoDataRows@1']);
  });

  it('header case and spacing: warning (lenient), error (strict)', async () => {
    const text = lines(['Device serial number,Windows Product ID, Hardware Hash', row(dev1)]);
    expect(brief(await check(text))).toEqual(['W:HeaderCaseMismatch@1', 'W:TrailingWhitespace@1']);
    expect(brief(await check(text, true))).toEqual(['E:HeaderCaseMismatch@1', 'E:TrailingWhitespace@1']);
  });

  it('OrderID is read as Group Tag', async () => {
    const text = lines([`${H3},OrderID`, `${dev1.serial},,${dev1.hash},Kiosk`]);
    const r = await validateCsv(Buffer.from(text), { keepRecords: true });
    expect(brief(r)).toEqual(['W:HeaderAlias@1']);
    expect(r.diagnostics[0]).toMatchObject({ column: 'OrderID', field: 'groupTag' });
    expect(r.records?.[0].groupTag).toBe('Kiosk');
    expect(r.dialect?.name).toBe('intune-4');
    expect(brief(await check(text, true))).toEqual(['E:HeaderAlias@1']);
  });

  it('semicolon-separated files (regional Excel) are read', async () => {
    const text = lines([H3.replaceAll(',', ';'), `${dev1.serial};;${dev1.hash}`]);
    const r = await check(text);
    expect(brief(r)).toEqual(['W:NonCommaDelimiter@1']);
    expect(r.devices).toBe(1);
  });

  it('Configuration Manager export: report rows skipped, quoted values and its own column names accepted', async () => {
    const text = lines([
      'Windows Autopilot Device Information',
      '"Collection","All Systems"',
      '',
      '"Serial Number","Windows Product ID","Hardware Identifier"',
      `"${dev1.serial}","","${dev1.hash}"`,
      `"${dev2.serial}","","${dev2.hash}"`,
    ]);
    const r = await check(text);
    expect(r.dialect).toMatchObject({ name: 'configmgr', headerLine: 4, skippedLines: [1, 2] });
    expect(r.errors).toBe(0);
    expect(brief(r)).toEqual([
      'W:PreambleSkipped@1',
      'W:PreambleSkipped@2',
      'W:BlankLine@3',
      'W:QuotedValue@4',
      'W:HeaderAlias@4',
      'W:HeaderAlias@4',
      'W:QuotedValue@5',
      'W:QuotedValue@6',
    ]);
    expect(r.devices).toBe(2);
    const strict = await check(text, true);
    expect(brief(strict).filter((c) => c.startsWith('E:'))).toEqual([
      'E:PreambleSkipped@1',
      'E:PreambleSkipped@2',
      'E:QuotedValue@4',
      'E:HeaderAlias@4',
      'E:HeaderAlias@4',
      'E:QuotedValue@5',
      'E:QuotedValue@6',
    ]);
  });

  it('partner dialect: hash rows, PKID-only rows and tuple-only rows; tuple checked against the hash', async () => {
    const text = lines([
      HP,
      `${dev1.serial},,${dev1.hash},${dev1.manufacturer},${dev1.model}`,
      ',3123456789012,,,',
      `PF0TEST1,,,Contoso,Laptop 7`,
      `${dev2.serial},,${dev2.hash},${dev2.manufacturer.toLowerCase()}x,${dev2.model}`,
      `PF0TEST2,,,Contoso,`,
    ]);
    const r = await validateCsv(Buffer.from(text), { keepRecords: true });
    expect(r.dialect?.name).toBe('partner');
    expect(brief(r)).toEqual(['W:TupleMismatch@5', 'E:EmptyHardwareHash@6']);
    expect(r.records?.[0]).toMatchObject({ manufacturer: dev1.manufacturer, model: dev1.model });
    expect(r.records?.[1].identityKeys).toEqual(['pkid:3123456789012']);
    expect(r.records?.[2].identityKeys).toEqual(['tuple:CONTOSO|LAPTOP 7|PF0TEST1']);
    expect(brief(await check(text, true))).toEqual(['W:TupleMismatch@5', 'E:EmptyHardwareHash@6']);
  });

  it('lower-case partner header is accepted with warnings', async () => {
    const r = await check(lines(['Device serial number,Windows product ID,Hardware hash,Manufacturer name,Device model', `${dev1.serial},,${dev1.hash},,`]));
    expect(r.dialect?.name).toBe('partner');
    expect(r.errors).toBe(0);
    expect(only(r, 'HeaderCaseMismatch')).toHaveLength(3);
  });
});

describe('values', () => {
  it('duplicate device captured twice: the later line is the error and names the earlier one', async () => {
    const again = recapture(1, '2031-05-06T07:08:09Z');
    expect(again.hash).not.toBe(dev1.hash);
    const text = lines([H3, row(dev1), row(dev2), row(again)]);
    for (const strict of [false, true]) {
      const r = await check(text, strict);
      expect(brief(r)).toEqual(['E:ZtdDeviceDuplicated@4']);
      expect(r.diagnostics[0].message).toContain('line 2');
      expect(r.devices).toBe(2);
    }
  });

  it('an unpadded hash is re-padded: HashPaddingFixed (warning lenient, error strict)', async () => {
    const text = lines([H3, row(dev1), `${dev2.serial},,${unpaddedHash(dev2.hash)}`]);
    const lenient = await check(text);
    expect(only(lenient, 'HashPaddingFixed')).toMatchObject([{ line: 3, severity: 'warning', column: 'Hardware Hash' }]);
    expect(lenient.errors).toBe(0);
    const strict = await check(text, true);
    expect(only(strict, 'HashPaddingFixed')).toMatchObject([{ line: 3, severity: 'error' }]);
  });

  it('a damaged hash is InvalidZtdHardwareHash (802) with the codec issue and offset', async () => {
    const text = lines([H3, row(dev1), `${dev2.serial},,${damagedHash(dev2.hash)}`, row(dev3)]);
    for (const strict of [false, true]) {
      const r = await check(text, strict);
      expect(brief(r)).toEqual(['E:InvalidZtdHardwareHash@3']);
      expect(r.diagnostics[0]).toMatchObject({ msCode: 802, column: 'Hardware Hash' });
      expect(r.diagnostics[0].message).toMatch(/ChecksumMismatch|Record\w+/);
      expect(r.diagnostics[0].message).toMatch(/at byte \d+/);
      expect(r.devices).toBe(2);
    }
  });

  it('not base64 at all', async () => {
    const r = await check(lines([H3, `${dev1.serial},,not-a-hash!`]));
    expect(r.diagnostics[0]).toMatchObject({ code: 'InvalidZtdHardwareHash', line: 2 });
    expect(r.diagnostics[0].message).toContain('InvalidBase64');
  });

  it('serial number differing from the one inside the hash is a warning', async () => {
    for (const strict of [false, true]) {
      const r = await check(lines([H3, `WRONG123,,${dev1.hash}`]), strict);
      expect(brief(r)).toEqual(['W:SerialNumberMismatch@2']);
      expect(r.diagnostics[0].message).toContain(dev1.serial);
    }
  });

  it('an empty CSV serial with a serial inside the hash: MissingSerialNumber (warning lenient, error strict)', async () => {
    expect(brief(await check(lines([H3, `,,${dev1.hash}`])))).toEqual(['W:MissingSerialNumber@2']);
    expect(brief(await check(lines([H3, `,,${dev1.hash}`]), true))).toEqual(['E:MissingSerialNumber@2']);
  });

  it('no serial and no PKID, placeholder serial inside the hash: 803, and no SerialNumberMismatch', async () => {
    const vm = fakeDevice(7, (inv) => {
      inv.system.serialNumber = 'SMBIOS_STRING_INDEX_0';
      inv.productKey.productKeyId = null;
    });
    const text = lines([H3, `,,${vm.hash}`, row(dev1)]);
    for (const strict of [false, true]) {
      const r = await check(text, strict);
      // Lenient accepts it (the SMBIOS UUID and TPM inside the hash identify the device) but says Intune won't.
      expect(brief(r)).toEqual([`${strict ? 'E' : 'W'}:MissingZtdSerialNumberAndProductKey@2`]);
      expect(r.diagnostics[0].msCode).toBe(803);
      expect(r.diagnostics[0].message).toContain('placeholder');
    }
    // With no UUID and no TPM left either, nothing identifies it: an error in both modes.
    const anonymous = fakeDevice(8, (inv) => {
      inv.system.serialNumber = 'SMBIOS_STRING_INDEX_0';
      inv.system.smbiosUuid = '00000000-0000-0000-0000-000000000000';
      inv.productKey.productKeyId = null;
      inv.tpm = { version: null, ekPublicKey: null, offlineDeviceId: null };
    });
    expect(brief(await check(lines([H3, `,,${anonymous.hash}`])))).toEqual(['E:MissingZtdSerialNumberAndProductKey@2']);
    // With a PKID in the CSV the device is identifiable.
    expect((await check(lines([H3, `,1234567890123,${vm.hash}`]))).errors).toBe(0);
  });

  it('assigned user must be a UPN', async () => {
    const text = lines([H5, `${dev1.serial},,${dev1.hash},,adele@contoso.com`, `${dev2.serial},,${dev2.hash},,adele`, `${dev3.serial},,${dev3.hash},,a@b`]);
    for (const strict of [false, true]) {
      const r = await check(text, strict);
      expect(brief(r)).toEqual(['E:InvalidAssignedUser@3', 'E:InvalidAssignedUser@4']);
      expect(r.diagnostics[0].column).toBe('Assigned User');
    }
  });

  it('Windows Product ID must be 13 digits; empty hash is an error', async () => {
    const r = await check(lines([H3, `${dev1.serial},12345,${dev1.hash}`, `${dev2.serial},,`]));
    expect(brief(r)).toEqual(['E:InvalidProductKeyId@2', 'E:EmptyHardwareHash@3']);
  });

  it('group tag with a control character inside is InvalidGroupTag', async () => {
    const r = await check(lines([H4, `${dev1.serial},,${dev1.hash},Sa\u0007les`]));
    expect(brief(r)).toEqual(['E:InvalidGroupTag@2']);
  });

  it('a bad line never stops the rest of the file being checked', async () => {
    const text = lines([H5, `${dev1.serial},12,${damagedHash(dev1.hash)},,nope`, '"unterminated', row(dev2, ',,'), ',,,,', row(dev3, ',,x')]);
    const r = await check(text);
    expect(r.rows).toBe(4);
    expect(brief(r)).toEqual([
      'E:InvalidProductKeyId@2',
      'E:InvalidZtdHardwareHash@2',
      'E:InvalidAssignedUser@2',
      'W:QuotedValue@3',
      'W:UnterminatedQuote@3',
      'E:MissingColumns@3',
      'E:EmptyHardwareHash@3',
      'W:EmptyRow@5',
      'E:InvalidAssignedUser@6',
    ]);
  });
});

describe('diagnostic shape', () => {
  it('every diagnostic has a one-line message and hint', async () => {
    const r = await check(lines([H5, `${dev1.serial},12,${damagedHash(dev1.hash)},,nope`, row(dev2, ',,'), `"${dev3.serial}",,${dev3.hash}, ,`]));
    expect(r.diagnostics.length).toBeGreaterThan(3);
    for (const d of r.diagnostics) {
      expect(d.message).not.toMatch(/\n/);
      expect(d.hint).not.toMatch(/\n/);
      expect(d.hint.length).toBeGreaterThan(5);
      expect(d.line).toBeGreaterThanOrEqual(1);
    }
  });

  it('warnings beyond the per-code cap are summed up, errors never are', async () => {
    const body = Array.from({ length: 30 }, () => '');
    const r = await validateCsv(Buffer.from(lines([H3, row(dev1), ...body])), { maxWarningsPerCode: 5 });
    const blank = only(r, 'BlankLine');
    expect(blank).toHaveLength(6);
    expect(blank[5].message).toContain('25 more');
    expect(r.warnings).toBe(30);
  });
});
