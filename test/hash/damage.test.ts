// Damaged hashes: each kind of damage gives its own issue code at the right offset. Every hash here is synthetic.
import { describe, expect, it } from 'vitest';
import {
  decodeHardwareHash,
  encodeHardwareHash,
  syntheticInventory,
  validateHardwareHash,
  type DecodedHash,
  type HashIssue,
  type HashIssueCode,
} from '../../src/hash/index.js';
import { assemble, recordOffsets, resign } from './helpers.js';

const inventory = syntheticInventory(7);
const good = encodeHardwareHash(inventory);
const bytes = Buffer.from(good.bytes);
const total = bytes.readUInt16LE(2);

function decodeBytes(b: Uint8Array): DecodedHash {
  return decodeHardwareHash(Buffer.from(b).toString('base64'));
}

function flip(b: Uint8Array, at: number, bit = 0): Buffer {
  const out = Buffer.from(b);
  out[at] ^= 1 << bit;
  return out;
}

function codes(d: { issues: HashIssue[] }): HashIssueCode[] {
  return d.issues.map((i) => i.code);
}

function only(d: { issues: HashIssue[] }, code: HashIssueCode): HashIssue {
  const found = d.issues.filter((i) => i.code === code);
  expect(found, `expected one ${code} in ${JSON.stringify(d.issues)}`).toHaveLength(1);
  return found[0];
}

describe('a sound synthetic hash', () => {
  it('decodes valid, with no issue', () => {
    const d = decodeHardwareHash(good.base64);
    expect(d.valid).toBe(true);
    expect(d.issues).toEqual([]);
    expect(good.base64).toHaveLength(4000);
  });

  it('messages are one line that says where and what to do', () => {
    const d = decodeBytes(flip(bytes, 100));
    const issue = only(d, 'ChecksumMismatch');
    expect(issue.message).toBe(
      `Hash checksum does not match at byte ${total}: the hash was altered or truncated after capture; collect it again on the device with Get-WindowsAutopilotInfo.`,
    );
    expect(issue.message).not.toContain('\n');
  });
});

describe('truncation', () => {
  it.each([
    ['inside the padding (still verifies)', total + 36 + 200],
    ['right after the checksum record', total + 36],
  ])('cut %s: valid, warned UnexpectedSize', (_what, keep) => {
    const d = decodeBytes(bytes.subarray(0, keep));
    expect(d.valid).toBe(true);
    expect(codes(d)).toEqual(['UnexpectedSize']);
    expect(d.issues[0].offset).toBe(keep);
    expect(d.issues[0].severity).toBe('warning');
  });

  it.each([
    ['inside the checksum record', total + 20],
    ['at the header length', total],
    ['inside the records', total - 300],
    ['just after the header', 10],
  ])('cut %s: HashTooShort where the bytes end, inventory best effort', (_what, keep) => {
    const d = decodeBytes(bytes.subarray(0, keep));
    expect(d.valid).toBe(false);
    expect(codes(d)).toEqual(['HashTooShort']);
    expect(d.issues[0].offset).toBe(keep);
    expect(d.inventory).not.toBeNull();
    if (keep >= total - 300) expect(d.inventory?.system.smbiosUuid).toBe(inventory.system.smbiosUuid);
  });

  it('a header length past the end of the bytes, checksum record intact: the header is named, not a cut', () => {
    const b = Buffer.from(bytes);
    b.writeUInt16LE(2990, 2);
    const d = decodeBytes(b);
    expect(codes(d)).toEqual(['RecordWalkMismatch']);
    expect(d.issues[0].offset).toBe(total);
    expect(d.issues[0].message).toContain('the header was damaged');
  });

  it('a header length past the checksum record: the walk finds "CS" early (RecordWalkMismatch there)', () => {
    const b = Buffer.from(bytes);
    b.writeUInt16LE(total + 1000, 2);
    const d = decodeBytes(b);
    expect(codes(d)).toEqual(['RecordWalkMismatch', 'MissingChecksum']);
    expect(d.issues.map((i) => i.offset)).toEqual([total, total + 1000]);
  });

  it('cut below the 4-byte header: HashTooShort, no inventory', () => {
    const d = decodeBytes(bytes.subarray(0, 3));
    expect(codes(d)).toEqual(['HashTooShort']);
    expect(d.issues[0].offset).toBe(3);
    expect(d.inventory).toBeNull();
    expect(d.identity).toBeNull();
  });

  it('text cut at an odd length is re-padded, then judged on its bytes', () => {
    const text = good.base64.slice(0, 1503); // 1503 % 4 == 3: unpadded
    const d = decodeHardwareHash(text);
    expect(d.paddingFixed).toBe(true);
    expect(codes(d)).toEqual(['HashPaddingFixed', 'HashTooShort']);
    expect(d.issues[1].offset).toBe(1127);
  });
});

describe('bit flips', () => {
  it('in the magic: BadMagic at the flipped byte, no inventory', () => {
    for (const at of [0, 1]) {
      const d = decodeBytes(flip(bytes, at));
      expect(codes(d)).toEqual(['BadMagic']);
      expect(d.issues[0].offset).toBe(at);
      expect(d.inventory).toBeNull();
    }
  });

  it('in the header length, high bit: the length points past the end, where the walk finds the checksum', () => {
    const d = decodeBytes(flip(bytes, 3, 7));
    expect(codes(d)).toEqual(['RecordWalkMismatch']);
    expect(d.issues[0].offset).toBe(total);
  });

  it('in the header length, low bit: the walk and the checksum both miss it', () => {
    const d = decodeBytes(flip(bytes, 2, 0));
    const newTotal = d.bytes && Buffer.from(d.bytes).readUInt16LE(2);
    const longer = newTotal === total + 1;
    expect(only(d, longer ? 'RecordWalkMismatch' : 'RecordOverrun').offset).toBe(longer ? total : recordOffsets(bytes, inventory.records.at(-1)?.type ?? -1).at(-1));
    expect(only(d, 'MissingChecksum').offset).toBe(newTotal);
  });

  it('in a record payload: ChecksumMismatch at the checksum record, nothing else', () => {
    const serialAt = recordOffsets(bytes, 14)[0];
    const d = decodeBytes(flip(bytes, serialAt + 5, 3));
    expect(codes(d)).toEqual(['ChecksumMismatch']);
    expect(d.issues[0].offset).toBe(total);
    expect(d.inventory?.system.serialNumber).not.toBe(inventory.system.serialNumber); // best effort, damaged value
  });

  it('in the stored digest: ChecksumMismatch', () => {
    const d = decodeBytes(flip(bytes, total + 20));
    expect(codes(d)).toEqual(['ChecksumMismatch']);
    expect(d.issues[0].offset).toBe(total);
  });

  it('in the "CS" tag: MissingChecksum', () => {
    for (const at of [total, total + 2]) {
      const d = decodeBytes(flip(bytes, at));
      expect(codes(d)).toEqual(['MissingChecksum']);
      expect(d.issues[0].offset).toBe(total);
    }
  });

  it('in the padding: a NonZeroPadding warning at that byte; still valid', () => {
    const d = decodeBytes(flip(bytes, 2500));
    expect(d.valid).toBe(true);
    expect(codes(d)).toEqual(['NonZeroPadding']);
    expect(d.issues[0].offset).toBe(2500);
  });
});

describe('record structure', () => {
  const at = recordOffsets(bytes, 5)[0]; // the memory record

  it.each([0, 3])('record length %i: RecordTooShort at the record', (length) => {
    const b = Buffer.from(bytes);
    b.writeUInt16LE(length, at + 2);
    const d = decodeBytes(resign(b));
    expect(codes(d)).toEqual(['RecordTooShort']);
    expect(d.issues[0].offset).toBe(at);
    expect(d.inventory?.records.at(-1)?.offset).toBeLessThan(at); // records before it are still there
  });

  it('a record running past the header length: RecordOverrun at the record', () => {
    const b = Buffer.from(bytes);
    b.writeUInt16LE(0xfff0, at + 2);
    const d = decodeBytes(resign(b));
    expect(codes(d)).toEqual(['RecordOverrun']);
    expect(d.issues[0].offset).toBe(at);
  });

  it('a walk that stops 1-3 bytes short of the header length: RecordWalkMismatch', () => {
    const b = assemble([
      { type: 16, payload: Buffer.from('Maker\0') },
      { type: 99, payload: Buffer.alloc(0), length: 4 },
    ]);
    // Declare two more bytes than the records use, and sign that.
    const declared = b.readUInt16LE(2) + 2;
    const c = Buffer.alloc(3000);
    b.copy(c, 0, 0, declared - 2);
    c.writeUInt16LE(declared, 2);
    c.write('CS', declared, 'latin1');
    c.writeUInt16LE(36, declared + 2);
    const d = decodeBytes(resign(c));
    expect(codes(d)).toEqual(['RecordWalkMismatch']);
    expect(d.issues[0].offset).toBe(declared - 2);
  });

  it('a header length below 4', () => {
    const b = Buffer.from(bytes);
    b.writeUInt16LE(2, 2);
    const d = decodeBytes(b);
    expect(codes(d)).toEqual(['RecordWalkMismatch']);
    expect(d.issues[0].offset).toBe(2);
  });

  it('a known record with an unreadable payload: MalformedRecord; the bytes are kept for re-encoding', () => {
    const b = assemble([
      { type: 16, payload: Buffer.from('Maker\0') },
      { type: 12, payload: Buffer.alloc(10, 0xab) }, // a UUID needs 16 bytes
      { type: 8, payload: Buffer.alloc(12) }, // a network adapter needs at least 14
    ]);
    const d = decodeBytes(b);
    expect(codes(d)).toEqual(['MalformedRecord', 'MalformedRecord']);
    expect(d.issues.map((i) => i.offset)).toEqual([14, 18 + 10]);
    expect(d.inventory?.system.smbiosUuid).toBeNull();
    expect(d.inventory?.system.manufacturer).toBe('Maker');
    expect(Buffer.from(encodeHardwareHash(d.inventory ?? fail()).bytes)).toEqual(b);
  });

  it('a fixed record longer than its layout: warned, read, kept', () => {
    const b = assemble([{ type: 10, payload: Buffer.from([0x0a, 2, 0, 0, 0, 0xee]) }]);
    const d = decodeBytes(b);
    expect(d.valid).toBe(true);
    expect(codes(d)).toEqual(['UnexpectedRecordSize']);
    expect(d.inventory?.enclosure?.chassisTypeName).toBe('Notebook');
    expect(Buffer.from(encodeHardwareHash(d.inventory ?? fail()).bytes)).toEqual(b);
  });

  it('a repeated single-value record: DuplicateRecord warning; the first wins, the repeat is kept', () => {
    const b = assemble([
      { type: 14, payload: Buffer.from('FIRST\0') },
      { type: 14, payload: Buffer.from('SECOND\0') },
    ]);
    const d = decodeBytes(b);
    expect(codes(d)).toEqual(['DuplicateRecord']);
    expect(d.issues[0].offset).toBe(14);
    expect(d.inventory?.system.serialNumber).toBe('FIRST');
    expect(Buffer.from(encodeHardwareHash(d.inventory ?? fail()).bytes)).toEqual(b);
  });

  it('an edited EK: TpmEkHashMismatch at record 11, though the checksum verifies', () => {
    const inv = structuredClone(inventory);
    inv.tpm.ekPublicKey = 'ff' + (inv.tpm.ekPublicKey ?? '').slice(2);
    const e = encodeHardwareHash(inv);
    const d = decodeHardwareHash(e.base64);
    expect(codes(d)).toEqual(['TpmEkHashMismatch']);
    expect(d.issues[0].offset).toBe(recordOffsets(e.bytes, 11)[0]);
    expect(d.identity?.tpmEkHash).toBe(inv.tpm.offlineDeviceId?.hash); // the identity keeps record 11's value
  });
});

describe('base64 text', () => {
  it('accepts surrounding whitespace and quotes', () => {
    for (const text of [`"${good.base64}"`, `  ${good.base64}\r\n`, `'${good.base64}'`, `\uFEFF${good.base64}`]) {
      const d = decodeHardwareHash(text);
      expect(d.valid).toBe(true);
      expect(d.issues).toEqual([]);
      expect(d.base64).toBe(good.base64);
    }
  });

  it('empty text: EmptyHash', () => {
    for (const text of ['', '   ', '""', '\r\n', '==']) {
      const d = decodeHardwareHash(text);
      expect(codes(d)).toEqual(['EmptyHash']);
      expect(d.bytes).toBeNull();
    }
  });

  it("'==' appended to a full 4000-character hash: repaired, warned", () => {
    const d = decodeHardwareHash(good.base64 + '==');
    expect(d.valid).toBe(true);
    expect(d.paddingFixed).toBe(true);
    expect(codes(d)).toEqual(['HashPaddingFixed']);
    expect(d.issues[0].offset).toBe(4000);
    expect(d.base64).toBe(good.base64);
  });

  it('an unpadded odd-length hash (issue #6150) is re-padded and accepted', () => {
    const short = Buffer.from(bytes.subarray(0, 2999)).toString('base64'); // ends with '='
    expect(short.endsWith('=')).toBe(true);
    const d = decodeHardwareHash(short.replace(/=+$/, ''));
    expect(d.valid).toBe(true);
    expect(d.paddingFixed).toBe(true);
    expect(codes(d)).toEqual(['HashPaddingFixed', 'UnexpectedSize']);
    expect(d.base64).toBe(short);
    const v = validateHardwareHash(short.replace(/=+$/, ''));
    expect(v).toEqual({ valid: true, issues: d.issues, paddingFixed: true });
  });

  it("a dangling 6-bit character is completed with 'A' (the FAQ's repair)", () => {
    const d = decodeHardwareHash(good.base64 + 'A');
    expect(d.paddingFixed).toBe(true);
    expect(d.bytes?.length).toBe(3001);
    expect(d.valid).toBe(true);
    expect(codes(d)).toEqual(['HashPaddingFixed', 'UnexpectedSize']);
  });

  it("a stray '=' inside: InvalidBase64 at its character index", () => {
    const text = good.base64.slice(0, 1000) + '=' + good.base64.slice(1001);
    const d = decodeHardwareHash(text);
    expect(codes(d)).toEqual(['InvalidBase64']);
    expect(d.issues[0].offset).toBe(1000);
    expect(d.issues[0].message).toContain("an '=' before the end at character 1000");
    expect(d.bytes).toBeNull();
    expect(d.inventory).toBeNull();
  });

  it.each([
    ['*', 17],
    ['-', 2000], // URL-safe alphabet: Node would accept it silently
    ['_', 3999],
    [' ', 500],
    ['\n', 1200],
    ['é', 42],
  ])("a %j inside: InvalidBase64 at its index (offset counts the text's leading characters)", (ch, at) => {
    const text = '  ' + good.base64.slice(0, at) + ch + good.base64.slice(at + 1);
    const d = decodeHardwareHash(text);
    expect(codes(d)).toEqual(['InvalidBase64']);
    expect(d.issues[0].offset).toBe(at + 2);
  });

  it('decodes Uint8Array input without the text checks', () => {
    const d = decodeHardwareHash(good.bytes);
    expect(d.valid).toBe(true);
    expect(d.base64).toBe(good.base64);
    expect(d.bytes).toBe(good.bytes);
    expect(d.inventory).toEqual(inventory);
  });
});

function fail(): never {
  throw new Error('missing value');
}
