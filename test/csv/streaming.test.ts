// The reader streams: a large generated file goes through with memory that does not grow with the file.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsv, validateCsv } from '../../src/csv/index.js';
import { H4, fakeDevice } from '../support/csv-fixtures.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Two full collections: what the first frees may still be counted in heapUsed until the heap is swept. */
function settle(): void {
  gc();
  gc();
}

const ROWS = 20_000;
/** Distinct synthetic devices; rows cycle through them with a per-row serial prefix so each row is its own device. */
const devices = Array.from({ length: 200 }, (_, i) => fakeDevice(50_000 + i));

/** UTF-16LE with BOM, 200 rows per chunk, generated on the fly (never materialised as a whole). */
function generate(rows: number, onChunk?: (bytes: number) => void): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from([0xff, 0xfe]);
    yield Buffer.from(`${H4}\r\n`, 'utf16le');
    for (let start = 0; start < rows; start += 200) {
      let text = '';
      for (let i = start; i < Math.min(rows, start + 200); i++) {
        const d = devices[i % devices.length];
        text += `${d.serial},,${d.hash},Batch${i}\r\n`;
      }
      const buf = Buffer.from(text, 'utf16le');
      onChunk?.(buf.length);
      yield buf;
    }
  }
  // One chunk read ahead at most. With Readable.from's default (16 objects, ~26 MB here) the generator runs ahead
  // whenever the reader lags on a loaded machine, and the heap held by the source alone exceeded the growth this test
  // bounds (Node 24 in CI, 2026-12-07: 16.1 MB; 2.2 MB on a quiet machine), whatever the reader kept.
  return Readable.from(chunks(), { highWaterMark: 1 });
}

describe('streaming', () => {
  it(`validates ${ROWS.toLocaleString('en-US')} UTF-16 rows with flat memory`, async () => {
    settle();
    const base = process.memoryUsage().heapUsed;
    let fed = 0;
    const retained: number[] = []; // heap held after a full GC, every 1,000 rows
    const reader = readCsv(
      generate(ROWS, (n) => (fed += n)),
      { detectDuplicates: false },
    );
    let count = 0;
    for await (const record of reader) {
      count++;
      expect(record.line).toBe(count + 1);
      if (count % 1000 === 0) {
        settle();
        retained.push(process.memoryUsage().heapUsed - base);
      }
    }
    expect(count).toBe(ROWS);
    expect(reader.rows).toBe(ROWS);
    expect(reader.encoding).toEqual({ name: 'utf-16le', bom: true });
    // The file is ~160 MB of UTF-16; what stays alive is a few chunks, whatever the row count.
    expect(fed).toBeGreaterThan(150 * 2 ** 20);
    expect(Math.max(...retained)).toBeLessThan(40 * 2 ** 20);
    // Growth is judged on the lowest sample of the first and of the last fifth: a single sample can catch transient
    // heap the row count does not explain (on a loaded CI machine one sample was 16–17 MB above the rest), while
    // anything kept per row raises every later sample (1 KB a row is ~12 MB between the two windows).
    const first = Math.min(...retained.slice(0, 4));
    const last = Math.min(...retained.slice(-4));
    expect(last - first).toBeLessThan(8 * 2 ** 20);
  });

  it('validateCsv keeps only identity keys: retained memory stays small with duplicate detection on', async () => {
    settle();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let seen = 0;
    const source = generate(ROWS, () => {
      if (++seen % 20 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    });
    const r = await validateCsv(source, { maxWarningsPerCode: 50 });
    expect(r.rows).toBe(ROWS);
    // 200 distinct devices cycled: every row after the first 200 is a duplicate, each reported (errors are never capped).
    expect(r.errors).toBe(ROWS - devices.length);
    expect(r.diagnostics.filter((d) => d.code === 'ZtdDeviceDuplicated')).toHaveLength(ROWS - devices.length);
    expect(peak).toBeLessThan(60 * 2 ** 20);
  });

  it('the row iterator can stop early', async () => {
    const reader = readCsv(generate(1000));
    let n = 0;
    for await (const record of reader) {
      expect(record.valid).toBe(true);
      if (++n === 10) break;
    }
    expect(n).toBe(10);
    expect(reader.dialect?.name).toBe('intune-4');
  });

  it('a reader is single-use', async () => {
    const reader = readCsv(Buffer.from(`${H4}\r\n`));
    for await (const _ of reader) void _;
    expect(() => reader[Symbol.asyncIterator]()).toThrow(/only once/);
  });
});
