// Hash text -> bytes. Trims whitespace and quotes, repairs padding the way Microsoft's troubleshooting FAQ does
// (autopilot-reference.md §1.2), and rejects anything outside the standard base64 alphabet.
//
// Hot path: the platform's base64 decoder (platform.ts; Node's native one, which silently skips characters it does
// not know and stops at a '=') is not trusted to reject anything: instead of scanning 4000 characters in JS we
// compare the decoded length with the length the text implies: any skipped or truncating character makes it
// shorter. Node also accepts the URL-safe '-' and '_', which two native indexOf calls rule out. Only a failed check
// pays for the character-by-character scan that finds the culprit.
//
// The bytes go into a reused scratch buffer (in Node, writing into it skips Buffer.from's length pre-scan and
// allocation, about a third of the decode floor). The caller must finish with them before the next call; decode.ts keeps the canonical
// base64 and, when someone asks for the bytes, copies them from the scratch if no call has reused it since
// (`scratchGeneration`), else rebuilds them from the base64.
import { RECOLLECT, error, warning } from './issues.js';
import { bytes as platform } from './platform.js';
import type { HashIssue } from './types.js';

export interface Base64Decoded {
  /** The shared scratch buffer holding the bytes in [0, length), or null when the text is not base64. Valid only
   *  until the next call. */
  scratch: Uint8Array | null;
  length: number;
  /** Canonical padded base64 of the bytes. */
  base64: string | null;
  paddingFixed: boolean;
  issues: HashIssue[];
}

const MAX_SCRATCH = 64 * 1024;
let scratch: Uint8Array | null = null;
/** Bumped by every call, so a holder of scratch bytes can tell whether they were overwritten since. */
let generation = 0;

/** The current scratch generation: a result's scratch bytes are intact while this is unchanged. */
export function scratchGeneration(): number {
  return generation;
}

function isTrimmable(c: number): boolean {
  // whitespace, NBSP, BOM, and the quotes a spreadsheet or a CSV writer may leave around a cell
  return c <= 0x20 || c === 0x22 || c === 0x27 || c === 0xa0 || c === 0xfeff || c === 0x201c || c === 0x201d;
}

/** Value of a standard-alphabet base64 character, or -1. */
function base64Value(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 43) return 62;
  if (c === 47) return 63;
  return -1;
}

function describeChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c <= 0x20 || c === 0x7f || c === 0xa0) return `a whitespace or control character (U+${c.toString(16).toUpperCase().padStart(4, '0')})`;
  return `'${ch}'`;
}

/** Index (in `text`) of the first character that is not standard base64 data before `dataEnd`. */
function firstInvalid(text: string, dataEnd: number): number {
  for (let i = 0; i < dataEnd; i++) if (base64Value(text.charCodeAt(i)) < 0) return i;
  return -1;
}

export function decodeBase64Hash(input: string): Base64Decoded {
  generation++;
  let start = 0;
  let end = input.length;
  while (start < end && isTrimmable(input.charCodeAt(start))) start++;
  while (end > start && isTrimmable(input.charCodeAt(end - 1))) end--;
  let dataEnd = end; // trailing '=' are padding, judged below
  while (dataEnd > start && input.charCodeAt(dataEnd - 1) === 61 /* = */) dataEnd--;
  if (dataEnd === start) {
    return {
      scratch: null,
      length: 0,
      base64: null,
      paddingFixed: false,
      issues: [error('EmptyHash', 0, 'Hardware hash is empty: paste the whole base64 text of the Hardware Hash column.')],
    };
  }
  const text = start === 0 && end === input.length ? input : input.slice(start, end);

  const dataLen = dataEnd - start;
  const padCount = text.length - dataLen;
  const rem = dataLen % 4;
  const wantedPad = rem === 0 ? 0 : rem === 2 ? 2 : rem === 3 ? 1 : -1;

  let source = text;
  let paddingFixed = false;
  let decodedChars = dataLen;
  if (padCount !== wantedPad) {
    // The FAQ's repair: drop stray '=', complete a dangling sixth-bit character with 'A' (six zero bits), re-pad.
    let data = text.slice(0, dataLen);
    if (rem === 1) {
      data += 'A';
      decodedChars++;
    }
    const r = decodedChars % 4;
    source = data + (r === 2 ? '==' : r === 3 ? '=' : '');
    paddingFixed = true;
  }

  const expected = (decodedChars * 3) >> 2;
  // Hashes are ~3 KB; a huge text gets a buffer of its own rather than growing the shared one for good.
  // Allocated on first use, by the platform installed by then (a Buffer in Node).
  scratch ??= platform.allocUnsafe(4096);
  if (scratch.length < expected + 4) {
    if (expected + 4 <= MAX_SCRATCH) scratch = platform.allocUnsafe(MAX_SCRATCH);
  }
  const target = scratch.length >= expected + 4 ? scratch : platform.allocUnsafe(expected + 4);
  const length = platform.base64Into(target, source);
  if (length !== expected || text.indexOf('-') !== -1 || text.indexOf('_') !== -1) {
    const bad = firstInvalid(text, dataLen);
    const at = start + (bad < 0 ? dataLen : bad);
    const what = bad < 0 ? 'an unexpected character' : text[bad] === '=' ? "an '=' before the end" : describeChar(text[bad]);
    return {
      scratch: null,
      length: 0,
      base64: null,
      paddingFixed: false,
      issues: [
        error(
          'InvalidBase64',
          at,
          `Hardware hash is not valid base64: ${what} at character ${at}; the text was changed by an editor or a copy, so copy the hash again from the original file or ${RECOLLECT}.`,
        ),
      ],
    };
  }

  const issues: HashIssue[] = [];
  if (paddingFixed) {
    issues.push(
      warning(
        'HashPaddingFixed',
        start + dataLen,
        `Hardware hash base64 was ${padCount === 0 ? 'unpadded' : 'mis-padded'} (${dataLen} data characters, ${padCount} '='); it was re-padded to decode it. Nothing to do here, but Intune rejects such text: export the padded form.`,
      ),
    );
  }

  // The text is already canonical unless its last character carries stray low bits (or it was repaired with 'A').
  let canonical = source;
  const r = decodedChars % 4;
  if (r !== 0) {
    const last = base64Value(source.charCodeAt(decodedChars - 1));
    if ((r === 2 && (last & 0x0f) !== 0) || (r === 3 && (last & 0x03) !== 0)) canonical = platform.base64(target, 0, length);
  }
  return { scratch: target, length, base64: canonical, paddingFixed, issues };
}
