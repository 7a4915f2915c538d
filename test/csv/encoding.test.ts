import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { StreamingTextDecoder, cp1252Byte, cp1252Char, decodeBytes } from '../../src/csv/encoding.js';
import { encode } from '../support/csv-fixtures.js';
import type { FixtureEncoding } from '../support/csv-fixtures.js';

function decodeInChunks(bytes: Uint8Array, sizes: number[]): { text: string; name: string } {
  const d = new StreamingTextDecoder();
  let text = '';
  let i = 0;
  let k = 0;
  while (i < bytes.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]);
    text += d.write(bytes.subarray(i, i + n));
    i += n;
  }
  text += d.end();
  return { text, name: d.info().name };
}

describe('encoding sniffing', () => {
  const sample = 'Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\nABC,,T0FhBAE,Café\r\n';

  it.each([
    ['utf-16le', true, 'utf-16le'],
    ['utf-16le', false, 'utf-16le'],
    ['utf-16be', true, 'utf-16be'],
    ['utf-16be', false, 'utf-16be'],
    ['utf-8', true, 'utf-8-bom'],
    ['utf-8', false, 'utf-8'],
    ['windows-1252', false, 'windows-1252'],
  ] as const)('%s (BOM %s) → %s', (enc: FixtureEncoding, bom, expected) => {
    const r = decodeBytes(encode(sample, enc, bom));
    expect(r.text).toBe(sample);
    expect(r.encoding.name).toBe(expected);
    expect(r.encoding.bom).toBe(bom && enc !== 'windows-1252');
  });

  it('plain ASCII is ascii', () => {
    expect(decodeBytes(Buffer.from('a,b,c\n')).encoding).toEqual({ name: 'ascii', bom: false });
  });

  it('empty input decodes to nothing', () => {
    expect(decodeBytes(new Uint8Array(0)).text).toBe('');
    expect(decodeBytes(Buffer.from('a')).text).toBe('a');
  });

  it('windows-1252 bytes 0x80–0x9F map to their characters', () => {
    expect(decodeBytes(Uint8Array.from([0x80, 0x20, 0x99, 0x20, 0xe9])).text).toBe('€ ™ é');
    expect(cp1252Char(0x93)).toBe('“');
    expect(cp1252Byte('€'.codePointAt(0) ?? 0)).toBe(0x80);
    expect(cp1252Byte(0x4e2d)).toBe(-1);
  });

  it('reports mixed UTF-8 and windows-1252', () => {
    const bytes = Buffer.concat([Buffer.from('Café,', 'utf8'), Uint8Array.from([0x43, 0x61, 0x66, 0xe9])]);
    const r = decodeBytes(bytes);
    expect(r.text).toBe('Café,Café');
    expect(r.encoding.name).toBe('windows-1252');
    expect(r.mixed).toBe(true);
  });

  it('decodes the same text whatever the chunk boundaries (property)', () => {
    const encodings = ['utf-16le', 'utf-16be', 'utf-8', 'windows-1252'] as const;
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'Z', ',', '\r', '\n', 'é', 'ü', '€', '™', '😀', '中') , maxLength: 60 }),
        fc.constantFrom(...encodings),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        (s, enc, bom, sizes) => {
          // windows-1252 cannot hold emoji or CJK (and € ™ after é would read as UTF-8); and a BOM-less UTF-16 file needs an ASCII start to be sniffed.
          const text = enc === 'windows-1252' ? s.replace(/[😀中€™]/gu, 'x') : s;
          const full = enc.startsWith('utf-16') && !bom ? `ab${text}` : text;
          const bytes = encode(full, enc, bom && enc !== 'windows-1252');
          expect(decodeInChunks(bytes, sizes).text).toBe(full);
        },
      ),
      { numRuns: 400 },
    );
  });
});
