// Splits decoded text into physical lines, numbering them from 1. A line ends at CRLF, LF or a lone CR (classic
// Mac, "CSV (Macintosh)" from Excel); a last line without a line ending counts.
import type { StreamingTextDecoder } from './encoding.js';

export interface PhysicalLine {
  /** 1-based physical line number. */
  number: number;
  /** The line without its line ending ('' for a line that was too long: see `tooLong`). */
  text: string;
  eol: 'crlf' | 'lf' | 'cr' | 'none';
  /** Set when the line was longer than the limit: its length in characters; `text` is then empty. */
  tooLong?: number;
}

const LF = 10;
const CR = 13;

/** Yields the lines of each decoded chunk as one batch (one promise per chunk, not per line). */
export async function* physicalLines(
  chunks: AsyncIterable<Uint8Array>,
  decoder: StreamingTextDecoder,
  maxLineLength: number,
): AsyncGenerator<PhysicalLine[]> {
  const splitter = new LineSplitter(maxLineLength);
  for await (const chunk of chunks) {
    const text = decoder.write(chunk);
    if (text.length > 0) {
      const batch = splitter.push(text, false);
      if (batch.length > 0) yield batch;
    }
  }
  const last = splitter.push(decoder.end(), true);
  if (last.length > 0) yield last;
}

/** Incremental line splitter: `push()` text as it comes, get the lines it completes. */
export class LineSplitter {
  /** The start of a line whose end has not arrived yet (may end in a CR waiting to see whether LF follows). */
  private pending = '';
  private number = 0;
  /** > 0 while discarding an over-long line: characters discarded so far. */
  private skipping = 0;

  /** Next CR / LF positions in the text being pushed (-1: none left; -2: not searched yet). Searches only move
   *  forward, so each text is scanned once whatever its line endings. */
  private crPos = -2;
  private lfPos = -2;

  constructor(private readonly maxLineLength: number) {}

  /** Index of the next CR or LF at or after `from`, or -1. */
  private nextBreak(text: string, from: number): number {
    if (this.crPos !== -1 && this.crPos < from) this.crPos = text.indexOf('\r', from);
    if (this.lfPos !== -1 && this.lfPos < from) this.lfPos = text.indexOf('\n', from);
    const cr = this.crPos;
    const lf = this.lfPos;
    if (cr === -1) return lf;
    if (lf === -1) return cr;
    return cr < lf ? cr : lf;
  }

  push(text: string, final: boolean): PhysicalLine[] {
    const out: PhysicalLine[] = [];
    this.crPos = -2;
    this.lfPos = -2;
    let start = 0;
    if (this.pending.length > 0) {
      const pending = this.pending;
      this.pending = '';
      if (pending.charCodeAt(pending.length - 1) === CR) {
        // A CR ended the previous text: CRLF when this text starts with LF, a lone CR otherwise.
        const crlf = text.charCodeAt(0) === LF;
        if (text.length > 0 || final) {
          this.emit(out, pending.slice(0, -1), crlf ? 'crlf' : 'cr');
          start = crlf ? 1 : 0;
        } else {
          this.pending = pending;
          return out;
        }
      } else {
        const b = this.nextBreak(text, 0);
        if (b === -1) {
          this.carry(pending + text, out, final);
          return out;
        }
        const joined = pending + text.slice(0, b);
        const eol = this.eolAt(text, b, final);
        if (eol === null) {
          // CR at the very end of this text: wait for the next.
          this.carry(`${joined}\r`, out, final);
          return out;
        }
        this.emit(out, joined, eol);
        start = b + (eol === 'crlf' ? 2 : 1);
      }
    }
    for (;;) {
      const b = this.nextBreak(text, start);
      if (b === -1) break;
      const eol = this.eolAt(text, b, final);
      if (eol === null) {
        this.carry(text.slice(start), out, final);
        return out;
      }
      if (this.skipping > 0 || b - start > this.maxLineLength) this.emitTooLong(out, b - start, eol);
      else this.emit(out, start === 0 && b === text.length ? text : text.slice(start, b), eol);
      start = b + (eol === 'crlf' ? 2 : 1);
    }
    this.carry(start === 0 ? text : text.slice(start), out, final);
    return out;
  }

  /** The line ending at `b` (a CR or LF), or null for a CR that ends non-final text (LF may follow). */
  private eolAt(text: string, b: number, final: boolean): PhysicalLine['eol'] | null {
    if (text.charCodeAt(b) === LF) return 'lf';
    if (b + 1 < text.length) return text.charCodeAt(b + 1) === LF ? 'crlf' : 'cr';
    return final ? 'cr' : null;
  }

  /** Keeps an unfinished line for the next push (or, at the end, emits it as the last line). */
  private carry(rest: string, out: PhysicalLine[], final: boolean): void {
    if (final) {
      if (rest.length > 0 || this.skipping > 0) {
        if (rest.charCodeAt(rest.length - 1) === CR && this.skipping === 0) this.emit(out, rest.slice(0, -1), 'cr');
        else if (this.skipping > 0 || rest.length > this.maxLineLength) this.emitTooLong(out, rest.length, 'none');
        else this.emit(out, rest, 'none');
      }
      return;
    }
    if (this.skipping > 0) this.skipping += rest.length;
    else if (rest.length > this.maxLineLength) this.skipping = rest.length;
    else this.pending = rest;
  }

  private emit(out: PhysicalLine[], text: string, eol: PhysicalLine['eol']): void {
    if (this.skipping > 0 || text.length > this.maxLineLength) {
      this.emitTooLong(out, text.length, eol);
      return;
    }
    out.push({ number: ++this.number, text, eol });
  }

  private emitTooLong(out: PhysicalLine[], length: number, eol: PhysicalLine['eol']): void {
    out.push({ number: ++this.number, text: '', eol, tooLong: this.skipping + length });
    this.skipping = 0;
  }
}
