// validateCsvFile (worker threads) must give exactly validateCsv's result: the same diagnostics, in the same order,
// with the same lines, messages and counts. The files here are damaged in every way the rules know, and the blocks
// are small (a few KiB) so that block edges fall everywhere: inside duplicates' spans, next to blank lines, CRs, the
// first non-ASCII value and the first windows-1252 byte.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateCsv } from '../../src/csv/index.js';
import { validateCsvFile, type ParallelValidateOptions } from '../../src/csv/node/validate-parallel.js';
import { H4, H5, HP, damagedHash, fakeDevice, recapture, unpaddedHash } from '../support/csv-fixtures.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tarmac-csv-parallel-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function write(bytes: Uint8Array | string): string {
  const file = path.join(tmp, `f${++n}.csv`);
  writeFileSync(file, bytes);
  return file;
}

const devices = Array.from({ length: 60 }, (_, i) => fakeDevice(7000 + i));

/** A damaged 4-column file of `count` rows (about 4 KB each): every kind of row problem, repeated. */
function damagedRows(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const d = devices[i % devices.length];
    switch (i % 23) {
      case 3: out.push(`${d.serial},,${damagedHash(d.hash, 300 + i)},Sales`); break; // 802, or a duplicate
      case 5: out.push(''); break; // BlankLine
      case 6: out.push(',,,'); break; // EmptyRow
      case 8: out.push(`"${d.serial}",,${d.hash},"Sales"`); break; // QuotedValue
      case 9: out.push(` ${d.serial} ,,${d.hash},Sales `); break; // TrailingWhitespace
      case 10: out.push(`${d.serial},123,${d.hash},Sales`); break; // InvalidProductKeyId
      case 11: out.push(`${d.serial},,${unpaddedHash(d.hash)},Sales`); break; // HashPaddingFixed
      case 12: out.push(`WRONG${i},,${d.hash},Sales,extra`); break; // SerialNumberMismatch, ExtraColumns
      case 13: out.push(`,,${d.hash}`); break; // MissingSerialNumber, MissingColumns
      case 14: out.push(`${d.serial},,${recapture(7000 + (i % devices.length), '2024-03-01T10:00:00Z').hash},Sales`); break; // duplicate, captured again
      case 15: out.push(`${d.serial},,,Sales`); break; // EmptyHardwareHash
      case 16: out.push(`${d.serial},,${d.hash},Bad"Tag`); break; // InvalidGroupTag
      case 17: out.push(`${d.serial},,${d.hash},Sales\u200b`); break; // HiddenCharacter
      case 18: out.push('x'.repeat(9000)); break; // LineTooLong (maxLineLength below)
      default: out.push(`${d.serial},,${d.hash},Sales`);
    }
  }
  return out;
}

const OPTIONS: ParallelValidateOptions[] = [
  { threads: 2, blockBytes: 4096, parallelFromBytes: 0, maxLineLength: 8000 },
  { threads: 3, blockBytes: 20_000, parallelFromBytes: 0, maxLineLength: 8000 },
];

async function expectSame(file: string, options: ParallelValidateOptions = {}): Promise<void> {
  for (const [i, strict] of [false, true].entries()) {
    const opts = { ...OPTIONS[i], ...options, strict };
    const sequential = await validateCsv(file, opts);
    const parallel = await validateCsvFile(file, opts);
    expect(JSON.stringify(parallel, null, 1)).toBe(JSON.stringify(sequential, null, 1));
  }
}

describe('validateCsvFile gives validateCsv’s result exactly', { timeout: 120_000 }, () => {
  it('on a damaged CRLF file (every row rule, duplicates across blocks, capped warnings)', async () => {
    const text = [H4, ...damagedRows(600)].join('\r\n') + '\r\n';
    const file = write(text);
    await expectSame(file);
    const r = await validateCsv(file, { maxLineLength: 8000 });
    const codes = new Set(r.diagnostics.map((d) => d.code));
    for (const code of ['InvalidZtdHardwareHash', 'ZtdDeviceDuplicated', 'BlankLine', 'EmptyRow', 'QuotedValue', 'TrailingWhitespace', 'LineTooLong', 'TooManyRows']) {
      expect(codes, code).toContain(code);
    }
    expect(r.diagnostics.some((d) => d.message.includes('captured again at 2024-03-01T10:00:00Z'))).toBe(true);
  });

  it('with a small warning cap, mixed line endings, no final line break and a lone CR at the end', async () => {
    const rows = damagedRows(300);
    const text = H4 + '\r\n' + rows.map((r, i) => r + (i % 7 === 0 ? '\n' : i % 11 === 0 ? '\r' : '\r\n')).join('');
    await expectSame(write(text.replace(/\r?\n?\r?$/, '')), { maxWarningsPerCode: 5 });
    await expectSame(write(text.replace(/\r?\n?\r?$/, '\r')), { maxWarningsPerCode: 5 });
  });

  it('on 8-bit files whose first non-ASCII value comes before, near or far from the first windows-1252 byte', async () => {
    const rows = damagedRows(300);
    const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
    const latin = (s: string): Buffer => Buffer.from(s, 'latin1');
    const build = (marks: [number, Buffer][]): Buffer => {
      const parts: Buffer[] = [utf8(H4 + '\r\n')];
      rows.forEach((r, i) => {
        const mark = marks.find(([at]) => at === i);
        parts.push(mark ? Buffer.concat([utf8(r.replace(/,Sales$/, ',')), mark[1]]) : utf8(r), utf8('\r\n'));
      });
      return Buffer.concat(parts);
    };
    // UTF-8 only: the file is UTF-8 from its first non-ASCII value on.
    await expectSame(write(build([[40, utf8('Müller')]])));
    // a windows-1252 byte a line later (the same 64 KiB chunk), or 200 lines later, or before
    await expectSame(write(build([[40, utf8('Müller')], [41, latin('Caf\xe9')]])));
    await expectSame(write(build([[40, utf8('Müller')], [240, latin('Caf\xe9')]])));
    await expectSame(write(build([[30, latin('Caf\xe9')], [40, utf8('Müller')]])));
    // on the first lines (read by the main thread) and with a UTF-8 byte-order mark
    await expectSame(write(build([[1, utf8('Müller')], [2, latin('Caf\xe9')]])));
    await expectSame(write(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), build([[50, utf8('Müller')]])])));
  });

  it('on partner files (rows without a hash keyed by product key ID and tuple) and 5-column files', async () => {
    const partner = [HP];
    for (let i = 0; i < 250; i++) {
      const d = devices[i % 40];
      partner.push(i % 5 === 0 ? `${d.serial},,,${d.manufacturer},${d.model}` : i % 7 === 0 ? `,${String(3300000000000 + (i % 30))},,,` : `${d.serial},,${d.hash},${d.manufacturer},${d.model}`);
    }
    await expectSame(write(partner.join('\r\n') + '\r\n'));
    const five = [H5, ...damagedRows(200).map((r, i) => (i % 4 === 0 ? `${r},adele@contoso.com` : i % 9 === 0 ? `${r},not-a-upn` : r))];
    await expectSame(write(five.join('\n') + '\n'));
  });

  it('falls back to the reader for what workers do not take: lone-CR files, UTF-16, no header, small files', async () => {
    const rows = damagedRows(120);
    await expectSame(write([H4, ...rows].join('\r') + '\r'), { blockBytes: 4096 });
    await expectSame(write(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from([H4, ...rows].join('\r\n'), 'utf16le')])));
    await expectSame(write(Array.from({ length: 200 }, (_, i) => `report line ${i}`).join('\r\n')));
    await expectSame(write(''));
    await expectSame(write([H4, ...rows.slice(0, 3)].join('\r\n')), { parallelFromBytes: undefined });
    // a line longer than the largest block (16 MiB) without a line feed: started over on one thread
    await expectSame(write([H4, ...rows.slice(0, 40), 'y'.repeat(17 << 20), ...rows.slice(40)].join('\r\n')));
  });

  it('in a process started with a V8 flag (node --max-old-space-size=…) and as `node --input-type=module -e`', async () => {
    // Given to a Worker as execArgv, a V8 flag made it refuse to start (ERR_WORKER_INVALID_EXEC_ARGV).
    const file = write([H4, ...damagedRows(200)].join('\r\n') + '\r\n');
    const module = new URL('../../src/csv/node/validate-parallel.ts', import.meta.url).href;
    const script = `const { validateCsvFile } = await import(${JSON.stringify(module)}); const r = await validateCsvFile(${JSON.stringify(file)}, ${JSON.stringify(OPTIONS[0])}); console.log(JSON.stringify(r));`;
    const child = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--max-old-space-size=512', '--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(child.stderr).toBe('');
    expect(child.code).toBe(0);
    expect(child.stdout.trim()).toBe(JSON.stringify(await validateCsv(file, OPTIONS[0])));
  });
});
