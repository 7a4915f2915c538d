// Dynamic membership rules: parsing (with positions in the errors), evaluation, Entra's case-insensitivity.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRule, formatRule, MembershipRuleError, parseMembershipRule, type RuleSubject } from '../../src/directory/rule.js';

function device(overrides: Partial<RuleSubject> = {}): RuleSubject {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    deviceId: '22222222-2222-4222-8222-222222222222',
    displayName: 'PC-0001',
    operatingSystem: 'Windows',
    operatingSystemVersion: '10.0.22631.1',
    accountEnabled: true,
    trustType: null,
    enrollmentProfileName: null,
    deviceOwnership: '',
    managementType: null,
    physicalIds: ['[ZTDID]:5b8d3b7e-8c5c-4e0b-9d7e-0e7c2b1a3f00', '[OrderID]:179887111881'],
    ...overrides,
  };
}

function matches(rule: string, d: RuleSubject = device()): boolean {
  return evaluateRule(parseMembershipRule(rule), d);
}

function errorOf(rule: string): MembershipRuleError {
  try {
    parseMembershipRule(rule);
  } catch (err) {
    if (err instanceof MembershipRuleError) return err;
    throw err;
  }
  throw new Error(`rule parsed: ${rule}`);
}

describe('membership rules: the documented Autopilot rules', () => {
  it('all Autopilot devices: current docs (-startsWith "[ZTDid]") and older docs (-contains "[ZTDId]")', () => {
    expect(matches('(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]"))')).toBe(true);
    expect(matches('(device.devicePhysicalIDs -any (_ -contains "[ZTDId]"))')).toBe(true);
    const plain = device({ physicalIds: ['[OrderID]:Sales'] });
    expect(matches('(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]"))', plain)).toBe(false);
    expect(matches('(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]"))', device({ physicalIds: [] }))).toBe(false);
  });

  it('by group tag and by purchase order: -eq on the whole value, case-insensitive', () => {
    expect(matches('(device.devicePhysicalIds -any (_ -eq "[OrderID]:179887111881"))')).toBe(true);
    expect(matches('(device.devicePhysicalIds -any (_ -eq "[orderid]:179887111881"))')).toBe(true);
    expect(matches('(device.devicePhysicalIds -any (_ -eq "[OrderID]:17988711188"))')).toBe(false);
    expect(matches('(device.devicePhysicalIds -any (_ -eq "[PurchaseOrderId]:76222342342"))')).toBe(false);
    expect(matches('(device.devicePhysicalIds -any (_ -eq "[PurchaseOrderId]:76222342342"))', device({ physicalIds: ['[PurchaseOrderId]:76222342342'] }))).toBe(true);
  });

  it('-all: every element; vacuously true for no elements', () => {
    expect(matches('device.devicePhysicalIds -all (_ -startsWith "[")')).toBe(true);
    expect(matches('device.devicePhysicalIds -all (_ -startsWith "[ZTDID]")')).toBe(false);
    expect(matches('device.devicePhysicalIds -all (_ -startsWith "[ZTDID]")', device({ physicalIds: [] }))).toBe(true);
  });

  it('lambda bodies combine conditions on _', () => {
    expect(matches('device.devicePhysicalIds -any (_ -startsWith "[OrderID]" -and _ -notContains "999")')).toBe(true);
    expect(matches('device.devicePhysicalIds -any (-not (_ -startsWith "[OrderID]") -and _ -contains "ztdid")')).toBe(true);
  });
});

describe('membership rules: properties and operators', () => {
  const d = device({ displayName: 'Lab-PC-07', deviceOwnership: 'Company', trustType: 'AzureAd', managementType: 'MDM', enrollmentProfileName: 'Autopilot Sales' });

  it.each([
    ['device.displayName -eq "lab-pc-07"', true],
    ['device.displayName -ne "lab-pc-07"', false],
    ['device.displayName -startsWith "LAB"', true],
    ['device.displayName -notStartsWith "LAB"', false],
    ['device.displayName -contains "pc"', true],
    ['device.displayName -notContains "pc"', false],
    ['device.displayName -match "^lab-pc-\\d+$"', true],
    ['device.displayName -notMatch "^lab"', false],
    ['device.displayName -in ["x", "LAB-PC-07"]', true],
    ['device.displayName -notIn ["x", "LAB-PC-07"]', false],
    ['device.deviceOwnership -eq "company"', true],
    ['device.deviceTrustType -eq "AzureAD"', true],
    ['device.deviceTrustType -eq "Workplace"', false],
    ['device.managementType -eq "MDM"', true],
    ['device.enrollmentProfileName -eq "Autopilot Sales"', true],
    ['device.deviceOSType -eq "windows"', true],
    ['device.operatingSystem -eq "Windows"', true],
    ['device.deviceOSVersion -startsWith "10.0.22"', true],
    ['device.accountEnabled -eq true', true],
    ['device.accountEnabled -eq false', false],
    ['device.accountEnabled -ne false', true],
    ['device.objectId -eq "11111111-1111-4111-8111-111111111111"', true],
    ['device.deviceId -eq "22222222-2222-4222-8222-222222222222"', true],
    ['DEVICE.DISPLAYNAME -EQ "Lab-PC-07"', true],
    ['device.displayName -eq "Lab-PC-07" -and device.deviceOwnership -eq "Personal"', false],
    ['device.displayName -eq "nope" -or device.deviceOwnership -eq "Company"', true],
    ['-not (device.displayName -eq "nope")', true],
    ['-not device.displayName -eq "nope" -and device.accountEnabled -eq true', true],
    ['device.enrollmentProfileName -eq null', false],
    ['device.enrollmentProfileName -ne null', true],
  ])('%s → %s', (rule, expected) => {
    expect(matches(rule, d)).toBe(expected);
  });

  it('null: an unset property equals null and matches no string operator', () => {
    const bare = device({ trustType: null });
    expect(matches('device.deviceTrustType -eq null', bare)).toBe(true);
    expect(matches('device.deviceTrustType -startsWith "A"', bare)).toBe(false);
    expect(matches('device.deviceTrustType -ne "AzureAd"', bare)).toBe(true);
  });

  it('-and binds tighter than -or; parentheses regroup', () => {
    const rule = 'device.displayName -eq "a" -and device.displayName -eq "b" -or device.accountEnabled -eq true';
    expect(formatRule(parseMembershipRule(rule))).toBe('(((device.displayName -eq "a") -and (device.displayName -eq "b")) -or (device.accountEnabled -eq true))');
    expect(matches(rule)).toBe(true);
    expect(matches('device.displayName -eq "a" -and (device.displayName -eq "b" -or device.accountEnabled -eq true)')).toBe(false);
  });

  it('a backtick escapes a double quote inside a value', () => {
    expect(matches('device.displayName -eq "say `"hi`""', device({ displayName: 'say "hi"' }))).toBe(true);
  });
});

describe('membership rules: errors name the position and the fix', () => {
  it.each([
    ['', 0, /empty/],
    ['(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]")', 0, /never closed/],
    ['device.displayName -eq "x")', 26, /without a matching/],
    ['user.department -eq "Sales"', 0, /devices only/],
    ['device.serialNumber -eq "x"', 7, /unknown device property 'serialNumber'/],
    ['device.displayName -equals "x"', 19, /unknown operator '-equals'/],
    ['device.displayName -eq x', 23, /double quotes/],
    ["device.displayName -eq 'x'", 23, /double quotes/],
    ['device.displayName -eq "x', 23, /unterminated/],
    ['device.devicePhysicalIds -contains "[ZTDId]"', 25, /-any or -all/],
    ['device.displayName -any (_ -eq "x")', 19, /multi-valued/],
    ['device.devicePhysicalIds -any _ -eq "x"', 30, /in parentheses/],
    ['device.devicePhysicalIds -any (device.displayName -eq "x")', 31, /element _/],
    ['_ -eq "x"', 0, /only be used inside/],
    ['device.accountEnabled -eq "maybe"', 26, /true or false/],
    ['device.accountEnabled -contains true', 22, /-eq or -ne/],
    ['device.displayName -in "x"', 23, /list in brackets/],
    ['device.displayName -in []', 24, /at least one/],
    ['device.displayName -match "("', 26, /regular expression/],
    ['device.displayName -eq "x" device.displayName -eq "y"', 27, /-and or -or/],
    ['device.displayName -eq "x" -and', 31, /ends too early/],
    ['device.displayName -startsWith null', 31, /-eq or -ne/],
  ])('%s', (rule, position, message) => {
    const err = errorOf(rule);
    expect(err.position).toBe(position);
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(new RegExp(`^Invalid membershipRule at position ${position}: `));
  });

  it('rejects rules longer than Entra allows', () => {
    expect(errorOf(`device.displayName -eq "${'x'.repeat(3100)}"`).message).toMatch(/at most 3072/);
  });
});

describe('membership rules: properties', () => {
  const value = fc.string({ maxLength: 12 }).filter((s) => !s.includes('"') && !s.includes('`'));
  const ids = fc.array(fc.oneof(value, value.map((v) => `[OrderID]:${v}`), value.map((v) => `[ZTDID]:${v}`)), { maxLength: 5 });

  it('-any (_ -eq v) is "some element equals v ignoring case"; -all is the complement of -any with the negated operator', () => {
    fc.assert(
      fc.property(ids, value, (physicalIds, v) => {
        const d = device({ physicalIds });
        const expectedAny = physicalIds.some((p) => p.toLowerCase() === v.toLowerCase());
        expect(matches(`device.devicePhysicalIds -any (_ -eq "${v}")`, d)).toBe(expectedAny);
        expect(matches(`device.devicePhysicalIds -all (_ -ne "${v}")`, d)).toBe(!expectedAny);
        expect(matches(`device.devicePhysicalIds -any (_ -startsWith "${v}")`, d)).toBe(physicalIds.some((p) => p.toLowerCase().startsWith(v.toLowerCase())));
      }),
    );
  });

  it('-not is the complement, and formatting a parsed rule gives a rule that evaluates the same', () => {
    fc.assert(
      fc.property(ids, value, value, fc.boolean(), (physicalIds, a, b, enabled) => {
        const d = device({ physicalIds, displayName: a, accountEnabled: enabled });
        const rule = `device.displayName -contains "${b}" -or device.devicePhysicalIds -any (_ -contains "${b}") -and device.accountEnabled -eq true`;
        const parsed = parseMembershipRule(rule);
        expect(matches(`-not (${rule})`, d)).toBe(!evaluateRule(parsed, d));
        expect(evaluateRule(parseMembershipRule(formatRule(parsed)), d)).toBe(evaluateRule(parsed, d));
      }),
    );
  });
});
