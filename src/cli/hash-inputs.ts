// Turns the arguments of `tarmac hash decode|validate` into hashes with their source. An argument may be a CSV
// (any dialect or encoding, streamed), an OA3.xml, a file holding one bare base64 hash, `-` for stdin, or the base64
// text itself.
import { open, readFile, stat } from 'node:fs/promises';
import { decodeBytes, readCsv } from '../csv/index.js';
import { decodeHardwareHash, readOa3Xml } from '../hash/index.js';
import type { DecodedHash } from '../hash/index.js';

export interface HashEntry {
  /** Where the hash came from: `file:line`, `stdin:line`, or `argument N`. */
  source: string;
  /** The serial number column of the CSV row it came from, when there is one. */
  csvSerialNumber?: string;
  decoded: DecodedHash;
}

/** An argument that yielded no hash at all (unreadable file, no hash inside, neither file nor base64). */
export interface InputProblem {
  source: string;
  message: string;
}

const BASE64_TEXT = /^[A-Za-z0-9+/=\s"']+$/;

export async function* readHashInputs(args: string[], stdin: NodeJS.ReadableStream = process.stdin): AsyncGenerator<HashEntry | InputProblem> {
  for (let n = 0; n < args.length; n++) {
    const arg = args[n];
    if (arg === '-') {
      yield* fromBytes('stdin', await readAll(stdin));
      continue;
    }
    const info = await stat(arg).catch(() => null);
    if (info?.isFile()) {
      yield* fromFile(arg);
      continue;
    }
    if (info?.isDirectory()) {
      yield { source: arg, message: `${arg} is a folder; name the files in it (e.g. ${arg}/*.csv)` };
      continue;
    }
    const text = arg.trim();
    if (looksLikeHashText(text)) {
      yield { source: `argument ${n + 1}`, decoded: decodeHardwareHash(text) };
    } else {
      yield { source: arg, message: `no such file, and not a base64 hash: ${abbreviate(arg)}` };
    }
  }
}

async function* fromFile(file: string): AsyncGenerator<HashEntry | InputProblem> {
  // Sniff the first bytes: XML and bare-base64 files are small and read whole; CSVs are streamed.
  const head = Buffer.alloc(8192);
  const fh = await open(file, 'r');
  let n: number;
  try {
    n = (await fh.read(head, 0, head.length, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  const kind = sniff(decodeBytes(head.subarray(0, n)).text);
  if (kind === 'csv') {
    yield* fromCsv(file, file);
  } else {
    yield* fromBytes(file, await readFile(file));
  }
}

async function* fromBytes(source: string, bytes: Buffer): AsyncGenerator<HashEntry | InputProblem> {
  const text = decodeBytes(bytes).text;
  const kind = sniff(text);
  if (kind === 'xml') {
    const found = readOa3Xml(text);
    if (found.length === 0) yield { source, message: `${source} is XML without a <HardwareHash> element` };
    for (const h of found) {
      yield { source: `${source}:${h.line}`, csvSerialNumber: h.serialNumber ?? undefined, decoded: decodeHardwareHash(h.hardwareHash) };
    }
  } else if (kind === 'base64') {
    yield { source, decoded: decodeHardwareHash(text) };
  } else {
    yield* fromCsv(source, bytes);
  }
}

async function* fromCsv(source: string, input: string | Buffer): AsyncGenerator<HashEntry | InputProblem> {
  // The reader only splits rows here (decode: false); each hash is decoded once, below, with the full inventory.
  const reader = readCsv(input, { decode: false, detectDuplicates: false, maxRows: Number.MAX_SAFE_INTEGER });
  let hashes = 0;
  for await (const record of reader) {
    if (!record.hardwareHash) continue;
    hashes++;
    yield {
      source: `${source}:${record.line}`,
      csvSerialNumber: record.serialNumber || undefined,
      decoded: decodeHardwareHash(record.hardwareHash),
    };
  }
  if (hashes === 0) {
    const why = reader.diagnostics.find((d) => d.severity === 'error');
    yield { source, message: `no hardware hash found in ${source}${why ? `: ${why.message}` : ''}` };
  }
}

/** Mostly base64 characters and too long to be a path: decode it, and let the codec point at any bad character. */
function looksLikeHashText(text: string): boolean {
  if (text.length < 16) return false;
  let base64Chars = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61) base64Chars++;
  }
  return base64Chars / text.length >= 0.98 && (text.length >= 200 || BASE64_TEXT.test(text));
}

type Kind = 'xml' | 'base64' | 'csv';

function sniff(text: string): Kind {
  const start = text.trimStart();
  if (start.startsWith('<')) return 'xml';
  const firstLine = start.split(/\r?\n/, 1)[0] ?? '';
  if (!firstLine.includes(',') && !firstLine.includes(';') && !firstLine.includes('\t') && BASE64_TEXT.test(start.slice(0, 8192))) {
    return 'base64';
  }
  return 'csv';
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

function abbreviate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
