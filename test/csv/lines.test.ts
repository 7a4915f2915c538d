import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/csv/lines.js';
import type { PhysicalLine } from '../../src/csv/lines.js';

/** The obvious (whole-text) split, for reference. */
function reference(text: string): { text: string; eol: string }[] {
  const out: { text: string; eol: string }[] = [];
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ text: text.slice(start, m.index), eol: m[0] === '\r\n' ? 'crlf' : m[0] === '\n' ? 'lf' : 'cr' });
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push({ text: text.slice(start), eol: 'none' });
  return out;
}

function pushInPieces(text: string, cuts: number[], max = 1_000_000): PhysicalLine[] {
  const s = new LineSplitter(max);
  const out: PhysicalLine[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const end = Math.min(text.length, c);
    if (end > at) {
      out.push(...s.push(text.slice(at, end), false));
      at = end;
    }
  }
  out.push(...s.push(text.slice(at), true));
  return out;
}

describe('LineSplitter', () => {
  it('splits CRLF, LF and lone CR wherever the text is cut (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', ',', '\r', '\n', '\r\n'), maxLength: 80 }),
        fc.array(fc.nat({ max: 90 }), { maxLength: 8 }),
        (text, cuts) => {
          const got = pushInPieces(text, cuts);
          expect(got.map((l) => ({ text: l.text, eol: l.eol }))).toEqual(reference(text));
          expect(got.map((l) => l.number)).toEqual(got.map((_, i) => i + 1));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reports over-long lines without keeping them, and goes on', () => {
    const text = `short\r\n${'x'.repeat(50)}\r\nok\n${'y'.repeat(30)}`;
    const got = pushInPieces(text, [3, 20, 40, 59, 70], 20);
    expect(got.map((l) => [l.number, l.text, l.eol, l.tooLong])).toEqual([
      [1, 'short', 'crlf', undefined],
      [2, '', 'crlf', 50],
      [3, 'ok', 'lf', undefined],
      [4, '', 'none', 30],
    ]);
  });
});
