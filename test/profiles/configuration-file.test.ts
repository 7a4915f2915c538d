import { describe, expect, it } from 'vitest';
import { autopilotConfigurationFile, DEFAULT_DOCUMENT_CORRELATION_ID, toAsciiJson } from '../../src/profiles/configuration-file.js';
import type { DeploymentProfile } from '../../src/profiles/ports.js';
import { CONFIGURATION_FILE_FIELDS, deploymentProfile } from '../support/profiles.js';

const tenant = { id: '1537de22-988c-4e93-b8a5-83890f34a69b', domain: 'contoso.onmicrosoft.com' };

function profile(overrides: Partial<DeploymentProfile> = {}): DeploymentProfile {
  return deploymentProfile(tenant.id, { id: '9f2a1e6c-4a51-4f4e-9d0b-6c1c0f3e2a10', displayName: 'Sales laptops', ...overrides });
}

describe('autopilotConfigurationFile', () => {
  it('writes the documented fields for an Entra-join profile', () => {
    const file = autopilotConfigurationFile({ profile: profile(), tenant });
    expect(file).toEqual({
      Version: 2049,
      CloudAssignedTenantId: tenant.id,
      CloudAssignedTenantDomain: tenant.domain,
      // 8 (skip OEM registration) + 256 (always) + 2 (standard user) + 4 (privacy) + 16 (EULA)
      CloudAssignedOobeConfig: 286,
      CloudAssignedDomainJoinMethod: 0,
      CloudAssignedForcedEnrollment: 1,
      ZtdCorrelationId: '9f2a1e6c-4a51-4f4e-9d0b-6c1c0f3e2a10',
      CloudAssignedAadServerData:
        '{"ZeroTouchConfig":{"CloudAssignedTenantUpn":"","ForcedEnrollment":1,"CloudAssignedTenantDomain":"contoso.onmicrosoft.com"}}',
      Comment_File: 'Profile Sales laptops',
    });
  });

  it('maps each OOBE setting to its bit', () => {
    const base = profile().outOfBoxExperienceSetting;
    const bitmap = (settings: Partial<typeof base>): number =>
      autopilotConfigurationFile({ profile: profile({ outOfBoxExperienceSetting: { ...base, ...settings } }), tenant }).CloudAssignedOobeConfig;
    const none = bitmap({ userType: 'administrator', privacySettingsHidden: false, eulaHidden: false });
    expect(none).toBe(264);
    expect(bitmap({ userType: 'administrator', privacySettingsHidden: false, eulaHidden: false, keyboardSelectionPageSkipped: true })).toBe(264 + 1024);
    expect(bitmap({ userType: 'administrator', privacySettingsHidden: false, eulaHidden: false, deviceUsageType: 'shared' })).toBe(264 + 96);
    expect(bitmap({})).toBe(264 + 2 + 4 + 16);
  });

  it('writes hybrid join, no forced enrollment without a hidden escape link, and the language', () => {
    const file = autopilotConfigurationFile({
      profile: profile({ kind: 'activeDirectory', locale: 'de-DE', outOfBoxExperienceSetting: { ...profile().outOfBoxExperienceSetting, escapeLinkHidden: false } }),
      tenant,
    });
    expect(file.CloudAssignedDomainJoinMethod).toBe(1);
    expect(file.CloudAssignedForcedEnrollment).toBe(0);
    expect(JSON.parse(file.CloudAssignedAadServerData)).toEqual({
      ZeroTouchConfig: { CloudAssignedTenantUpn: '', ForcedEnrollment: 0, CloudAssignedTenantDomain: tenant.domain },
    });
    expect(file.CloudAssignedLanguage).toBe('de-DE');
  });

  it('writes the name template as is without a device and expanded with one', () => {
    const withTemplate = profile({ deviceNameTemplate: 'SALES-%SERIAL%' });
    expect(autopilotConfigurationFile({ profile: withTemplate, tenant }).CloudAssignedDeviceName).toBe('SALES-%SERIAL%');
    expect(autopilotConfigurationFile({ profile: withTemplate, tenant, device: { serialNumber: 'PF-3XK 92/77AB' } }).CloudAssignedDeviceName).toBe(
      'SALES-PF-3XK927',
    );
    expect(autopilotConfigurationFile({ profile: profile(), tenant, device: { serialNumber: 'X' } })).not.toHaveProperty('CloudAssignedDeviceName');
  });

  it('gives a default document when no profile is assigned', () => {
    const file = autopilotConfigurationFile({ profile: null, tenant });
    expect(file.ZtdCorrelationId).toBe(DEFAULT_DOCUMENT_CORRELATION_ID);
    expect(file.Comment_File).toMatch(/No deployment profile assigned/);
    expect(file.CloudAssignedOobeConfig).toBe(8 + 256 + 4 + 16);
    expect(file.CloudAssignedDomainJoinMethod).toBe(0);
    expect(file.CloudAssignedForcedEnrollment).toBe(1);
    expect(file).not.toHaveProperty('CloudAssignedDeviceName');
    expect(file).not.toHaveProperty('CloudAssignedLanguage');
  });
});

describe('toAsciiJson', () => {
  it('escapes every non-ASCII character and keeps the documented field order', () => {
    const file = autopilotConfigurationFile({
      profile: profile({ displayName: 'Vertrieb Größe ☃ 😀', deviceNameTemplate: 'V-%RAND:3%', locale: 'de-DE' }),
      tenant,
      device: { serialNumber: 'S' },
      random: () => 0.42,
    });
    const text = toAsciiJson(file);
    expect([...text].every((char) => char.charCodeAt(0) < 0x80)).toBe(true);
    expect(text).toContain('Vertrieb Gr\\u00f6\\u00dfe \\u2603 \\ud83d\\ude00');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed.Comment_File).toBe('Profile Vertrieb Größe ☃ 😀');
    expect(Object.keys(parsed)).toEqual(CONFIGURATION_FILE_FIELDS);
    expect(parsed.CloudAssignedDeviceName).toBe('V-444');
  });
});
