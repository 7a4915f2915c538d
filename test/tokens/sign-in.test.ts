// The sign-in domain without HTTP: scopes, what a user's roles grant, and the failed sign-in counter.
import { describe, expect, it } from 'vitest';
import { FailedSignIns, SignInError, grantScope, grantedPermissions, parseScope, requestedResource } from '../../src/tokens/index.js';
import type { User } from '../../src/tenants/index.js';

const user = (roles: string[]): User => ({
  id: '7b6f6a53-0c39-4d0a-9a52-5b2f1c4c7b10',
  tenantId: '3deb3c3d-3fc4-4a67-b053-d9e7dea8d5d9',
  userPrincipalName: 'ada@contoso.onmicrosoft.com',
  displayName: 'Ada',
  roles,
  accountEnabled: true,
  createdAt: '2024-01-01T00:00:00.000Z',
});

describe('scopes', () => {
  it('reads OIDC scopes and Graph permissions in every spelling, and names an unknown scope', () => {
    expect(parseScope('openid Profile offline_access https://graph.microsoft.com/group.read.all 00000003-0000-0000-c000-000000000000/.default Device.Read.All')).toEqual({
      oidc: ['openid', 'profile', 'offline_access'],
      graph: ['Group.Read.All', '.default', 'Device.Read.All'],
      partnerCenter: [],
      resources: ['graph'],
    });
    expect(() => parseScope('https://graph.microsoft.com/Mail.Send')).toThrow(/'https:\/\/graph.microsoft.com\/Mail.Send' is not a Graph permission/);
    expect(() => parseScope('https://management.azure.com/user_impersonation')).toThrow(/Microsoft Graph .* and Partner Center/);
    expect(() => parseScope('https://api.partnercenter.microsoft.com/Customers.Read')).toThrow(/delegated scope is https:\/\/api.partnercenter.microsoft.com\/user_impersonation/);
  });

  it("reads Partner Center's delegated scope in its spellings, and the APIs in the order named", () => {
    expect(parseScope('https://API.partnercenter.microsoft.com/User_Impersonation fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd/.default offline_access')).toEqual({
      oidc: ['offline_access'],
      graph: [],
      partnerCenter: ['user_impersonation', '.default'],
      resources: ['partnerCenter'],
    });
    expect(parseScope('https://api.partnercenter.microsoft.com/user_impersonation User.Read.All').resources).toEqual(['partnerCenter', 'graph']);
  });

  it('refuses a token request naming two APIs (AADSTS28000), saying what to do', () => {
    const raw = 'https://graph.microsoft.com/.default https://api.partnercenter.microsoft.com/user_impersonation offline_access';
    let error: unknown;
    try {
      requestedResource(parseScope(raw), raw);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SignInError);
    expect(error).toMatchObject({ error: 'invalid_request', aadsts: 28000 });
    expect((error as Error).message).toContain('redeem the refresh token');
    expect(requestedResource(parseScope('openid offline_access'), 'openid offline_access')).toBeUndefined();
  });

  it('moves a grant between Graph and Partner Center, keeping the Graph permissions and never widening them', () => {
    const signIn = 'https://graph.microsoft.com/Group.Read.All openid offline_access';
    const pc = grantScope(signIn, 'https://api.partnercenter.microsoft.com/.default offline_access');
    expect(pc).toBe('https://api.partnercenter.microsoft.com/user_impersonation https://graph.microsoft.com/Group.Read.All openid offline_access');
    expect(parseScope(pc).resources[0]).toBe('partnerCenter');
    expect(grantScope(pc, undefined)).toBe(pc);
    const back = grantScope(pc, 'https://graph.microsoft.com/.default offline_access');
    expect(parseScope(back)).toMatchObject({ graph: ['Group.Read.All'], resources: ['graph', 'partnerCenter'] });
    expect(() => grantScope(pc, 'https://graph.microsoft.com/Group.ReadWrite.All')).toThrow(/was not part of the sign-in/);
    expect(grantScope('https://api.partnercenter.microsoft.com/user_impersonation openid', 'Group.Read.All')).toBe(
      'https://graph.microsoft.com/Group.Read.All https://api.partnercenter.microsoft.com/user_impersonation openid',
    );
  });

  it('grants the asked permissions the roles allow; .default or none asked means all they allow', () => {
    const reader = user(['Global Reader']);
    expect(grantedPermissions(parseScope('openid Group.Read.All Group.ReadWrite.All'), reader)).toEqual(['Group.Read.All']);
    expect(grantedPermissions(parseScope('openid'), reader).every((p) => p.endsWith('.Read.All'))).toBe(true);
    expect(grantedPermissions(parseScope('.default'), user(['Global Administrator']))).toContain('Directory.ReadWrite.All');
    expect(grantedPermissions(parseScope('.default'), user([]))).toEqual([]);
    const intune = grantedPermissions(parseScope('.default'), user(['Intune Administrator', 'Global Reader']));
    expect(intune).toContain('DeviceManagementServiceConfig.ReadWrite.All');
    expect(intune).toContain('DeviceManagementManagedDevices.Read.All');
    expect(intune).not.toContain('Directory.ReadWrite.All');
  });
});

describe('FailedSignIns', () => {
  it('locks a key after `limit` failures in the window, until the oldest leaves it', () => {
    const f = new FailedSignIns(3, 60_000);
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    for (let i = 0; i < 3; i++) {
      expect(f.lockedFor('k', new Date(t0 + i * 1000))).toBe(0);
      f.record('k', new Date(t0 + i * 1000));
    }
    expect(f.lockedFor('k', new Date(t0 + 3000))).toBe(57);
    expect(f.lockedFor('other', new Date(t0 + 3000))).toBe(0);
    expect(f.lockedFor('k', new Date(t0 + 60_001))).toBe(0);
    f.clear('k');
    expect(f.lockedFor('k', new Date(t0 + 3000))).toBe(0);
  });

  it('keeps at most maxKeys keys', () => {
    const f = new FailedSignIns(1, 60_000, 100);
    const now = new Date();
    for (let i = 0; i < 1000; i++) f.record(`user${i}`, now);
    expect(f.lockedFor('user999', now)).toBeGreaterThan(0);
    expect(f.lockedFor('user0', now)).toBe(0);
  });
});
