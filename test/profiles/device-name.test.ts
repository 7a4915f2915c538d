import { describe, expect, it } from 'vitest';
import { expandDeviceName, validateDeviceNameTemplate } from '../../src/profiles/device-name.js';

describe('validateDeviceNameTemplate', () => {
  it.each(['', 'CONTOSO-%SERIAL%', 'TUI-%RAND:5%', 'ABCDEFGHIJKLMNO', 'PC-%RAND:12%', 'A%SERIAL%', '1%SERIAL%', '%SERIAL%', 'X-%RAND:1%'])(
    'accepts %s',
    (template) => {
      expect(validateDeviceNameTemplate(template)).toBeNull();
    },
  );

  it.each([
    ['ABCDEFGHIJKLMNOP', /16 characters long/],
    ['TUISOLUTIONS-%RAND:5%', /18 characters/],
    ['ABCDEFGHIJKLMNO%SERIAL%', /no room for %SERIAL%/],
    ['PC_01', /'_' at position 3/],
    ['PC 01', /' ' at position 3/],
    ['PC-%serial%', /unknown macro at position 4/],
    ['PC-%RAND%', /unknown macro/],
    ['PC-%RAND:0%', /at least 1 digit/],
    ['%SERIAL%-%RAND:3%', /only one macro/],
    ['12345', /digits only/],
    ['12%RAND:3%', /digits only/],
    ['%RAND:8%', /digits only/],
    ['PC-ß', /'ß'/],
  ])('rejects %s', (template, message) => {
    expect(validateDeviceNameTemplate(template)).toMatch(message);
  });
});

describe('expandDeviceName', () => {
  it('puts the serial in place of %SERIAL%', () => {
    expect(expandDeviceName('CONTOSO-%SERIAL%', '5CG123', () => 0)).toBe('CONTOSO-5CG123');
  });

  it('drops characters a computer name cannot hold from the serial and cuts it to fit 15 characters', () => {
    const name = expandDeviceName('AP-%SERIAL%', '1234-5678 9012_3456/7890', () => 0);
    expect(name).toBe('AP-1234-5678901');
    expect(name).toHaveLength(15);
  });

  it('keeps text after the serial', () => {
    expect(expandDeviceName('%SERIAL%-LT', 'ABCDEFGHIJKLMNOPQ', () => 0)).toBe('ABCDEFGHIJKL-LT');
  });

  it('fills %RAND:x% with x digits from the random source', () => {
    const digits = [0.05, 0.99, 0.5, 0.31];
    let next = 0;
    expect(expandDeviceName('TUI-%RAND:4%', '', () => digits[next++] ?? 0)).toBe('TUI-0953');
  });

  it('never yields more than 15 characters, even for a random source returning 1', () => {
    expect(expandDeviceName('PC-%RAND:12%', 'X', () => 1)).toBe('PC-999999999999');
  });

  it('leaves templates without a macro as they are', () => {
    expect(expandDeviceName('KIOSK-01', 'SERIAL', () => 0)).toBe('KIOSK-01');
  });
});
