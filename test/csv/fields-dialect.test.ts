import { describe, expect, it } from 'vitest';
import { analyzeHeader, looksLikeDataRow, recognizeHeader } from '../../src/csv/dialect.js';
import { splitLine } from '../../src/csv/fields.js';
import { H3, H4, H5, HP } from '../support/csv-fixtures.js';

describe('splitLine', () => {
  it('splits unquoted lines on the fast path', () => {
    expect(splitLine('a,,c', ',')).toEqual({ values: ['a', '', 'c'], quoted: null, unterminated: false });
  });
  it('removes RFC 4180 quotes and marks quoted values', () => {
    const r = splitLine('"a","b""c",d,"e,f"', ',');
    expect(r.values).toEqual(['a', 'b"c', 'd', 'e,f']);
    expect(r.quoted).toEqual([true, true, false, true]);
    expect(r.unterminated).toBe(false);
  });
  it('closes an unterminated quote at the end of the line', () => {
    const r = splitLine('a,"bc', ',');
    expect(r.values).toEqual(['a', 'bc']);
    expect(r.unterminated).toBe(true);
  });
  it('strips stray quotes inside unquoted values', () => {
    expect(splitLine('ab"c,d', ',').values).toEqual(['abc', 'd']);
  });
  it('keeps whitespace before a quoted value (reported later as TrailingWhitespace)', () => {
    expect(splitLine('a, "b" ,c', ',').values).toEqual(['a', ' b ', 'c']);
  });
});

describe('header recognition', () => {
  const analyze = (text: string, strict = false, skipped: number[] = []) => {
    const c = recognizeHeader(text);
    if (!c) throw new Error('not recognised');
    return analyzeHeader(1, text, c, skipped, strict);
  };

  it.each([
    [H3, 'intune-3'],
    [H4, 'intune-4'],
    [H5, 'intune-5'],
    [HP, 'partner'],
    ['Device serial number,Windows product ID,Hardware hash,Manufacturer name,Device model', 'partner'],
    ['Device Serial Number,Windows Product ID,Hardware Hash,OrderID', 'intune-4'],
    ['Serial Number,Windows Product ID,Hardware Identifier', 'configmgr'],
  ])('%s → %s', (text, name) => {
    expect(analyze(text).dialect.name).toBe(name);
  });

  it('the canonical headers are exact and clean in strict mode', () => {
    for (const h of [H3, H4, H5, HP]) {
      const a = analyze(h, true);
      expect(a.dialect.exact).toBe(true);
      expect(a.diagnostics).toEqual([]);
    }
  });

  it('reports case, alias, order, extra and missing columns', () => {
    const codes = (t: string) => analyze(t).diagnostics.map((d) => d.code);
    expect(codes('device serial number,Windows Product ID,Hardware Hash')).toEqual(['HeaderCaseMismatch']);
    expect(codes(`${H3},OrderID`)).toEqual(['HeaderAlias']);
    expect(codes(`${H3},,`)).toEqual(['ExtraColumns', 'ExtraColumns']);
    expect(codes(`${H3},Notes`)).toEqual(['ExtraColumns']);
    expect(codes('Hardware Hash,Device Serial Number,Windows Product ID')).toEqual(['ColumnOrder']);
    expect(codes('Device Serial Number,Hardware Hash')).toEqual(['ColumnOrder', 'MissingColumns']);
    expect(codes(`${H3},Hardware Hash`)).toEqual(['InvalidHeader']);
    expect(codes('"Device Serial Number","Windows Product ID","Hardware Hash"')).toEqual(['QuotedValue']);
    expect(codes(' Device Serial Number,Windows Product ID,Hardware Hash')).toEqual(['TrailingWhitespace']);
  });

  it('reads semicolon-separated headers (regional Excel)', () => {
    const a = analyze('Device Serial Number;Windows Product ID;Hardware Hash');
    expect(a.dialect.delimiter).toBe(';');
    expect(a.diagnostics.map((d) => d.code)).toEqual(['NonCommaDelimiter']);
  });

  it('does not take report rows or data rows for a header', () => {
    expect(recognizeHeader('Windows Autopilot Device Information')).toBeNull();
    expect(recognizeHeader('Collection: All Systems')).toBeNull();
    expect(recognizeHeader('PF5MT6SC,,T0GXBAEAHAAAAAoAGR70ZQAACgCgHvRl3otnMQQCCQkCABAACQABAAwADgABAAAAIgAPAAIBAgAEAAAKAA')).toBeNull();
    expect(looksLikeDataRow('PF5MT6SC,,T0GXBAEAHAAAAAoAGR70ZQAACgCgHvRl3otnMQQCCQkCABAACQABAAwADgABAAAAIgAPAAIBAgAEAAAKAA')).toBe(true);
  });
});
