// readOa3Xml on synthetic documents (the real OA3.xml is covered in real-hashes.test.ts).
import { describe, expect, it } from 'vitest';
import { decodeHardwareHash, encodeHardwareHash, readOa3Xml, syntheticInventory } from '../../src/hash/index.js';

const hashOf = (seed: number): string => encodeHardwareHash(syntheticInventory(seed)).base64;

describe('readOa3Xml', () => {
  it('reads a one-line oa3tool report', () => {
    const h = hashOf(1);
    const found = readOa3Xml(`<Key><ProductKeyState>6</ProductKeyState><HardwareHash>${h}</HardwareHash></Key>`);
    expect(found).toEqual([{ hardwareHash: h, line: 1, column: 56, productKeyId: null, serialNumber: null }]);
    expect(decodeHardwareHash(found[0].hardwareHash).valid).toBe(true);
  });

  it('reads several keys with their product key ID and serial, and the line of each hash', () => {
    const [a, b] = [hashOf(2), hashOf(3)];
    const xml = [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<Keys>',
      '  <Key>',
      '    <ProductKeyID>3305000000001</ProductKeyID>',
      '    <SerialNumber>SER-A</SerialNumber>',
      '    <HardwareHash>',
      `      ${a}`,
      '    </HardwareHash>',
      '  </Key>',
      '  <Key>',
      `    <HardwareHash>${b}</HardwareHash>`,
      '    <ProductKeyID>3305000000002</ProductKeyID>',
      '  </Key>',
      '</Keys>',
    ].join('\r\n');
    expect(readOa3Xml(xml)).toEqual([
      { hardwareHash: a, line: 7, column: 7, productKeyId: '3305000000001', serialNumber: 'SER-A' },
      { hardwareHash: b, line: 11, column: 19, productKeyId: '3305000000002', serialNumber: null },
    ]);
  });

  it('accepts namespaces, attributes and entities', () => {
    const h = hashOf(4);
    const xml = `<oa:Key xmlns:oa="urn:x"><oa:SerialNumber>A&amp;B</oa:SerialNumber><oa:HardwareHash type="4k">${h}</oa:HardwareHash></oa:Key>`;
    expect(readOa3Xml(xml)).toMatchObject([{ hardwareHash: h, serialNumber: 'A&B' }]);
  });

  it('finds nothing in XML without a hash', () => {
    expect(readOa3Xml('<Key><ProductKeyID>1</ProductKeyID></Key>')).toEqual([]);
  });
});
