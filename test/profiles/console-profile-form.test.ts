// The console's deployment profile form (web/src/lib/profiles-model.ts) and rule helpers (web/src/lib/groups-rules.ts):
// pure code, tested here without a browser. The form must become bodies Tarmac accepts, with Intune's per-mode rules.
import { describe, expect, it } from 'vitest';
import { AUTOPILOT_RULES, checkRule, mailNicknameOf, matchingDevices, type GraphDevice } from '../../web/src/lib/groups-rules.js';
import {
  ACTIVE_DIRECTORY_TYPE,
  AZURE_AD_TYPE,
  assignmentFormOf,
  bodyOf,
  exampleName,
  formOf,
  newProfileForm,
  oobeProblem,
  targetKey,
  targetsOf,
  type GraphProfile,
} from '../../web/src/lib/profiles-model.js';
import { toGraphDeploymentProfile } from '../../src/http/routes/graph/deployment-profile-shapes.js';
import { deploymentProfile } from '../support/profiles.js';

describe('console profile form', () => {
  it('forces the self-deploying choices, whatever the form held', () => {
    const form = { ...newProfileForm(), displayName: 'Kiosk', mode: 'selfDeploying' as const, joinType: 'activeDirectory' as const, eulaHidden: false, userType: 'administrator' as const };
    const body = bodyOf(form, true);
    expect(body['@odata.type']).toBe(AZURE_AD_TYPE);
    expect(body.outOfBoxExperienceSetting).toMatchObject({ deviceUsageType: 'shared', eulaHidden: true, privacySettingsHidden: true, escapeLinkHidden: true, userType: 'standard' });
  });

  it('drops the name template for hybrid join and sends the connectivity check only there', () => {
    const form = { ...newProfileForm(), displayName: 'Hybrid', joinType: 'activeDirectory' as const, applyNameTemplate: true, deviceNameTemplate: 'HY-%SERIAL%', skipConnectivityCheck: true };
    const body = bodyOf(form, true);
    expect(body['@odata.type']).toBe(ACTIVE_DIRECTORY_TYPE);
    expect(body.deviceNameTemplate).toBe('');
    expect(body.hybridAzureADJoinSkipConnectivityCheck).toBe(true);
    expect(bodyOf({ ...form, joinType: 'azureAD' }, false)).not.toHaveProperty('hybridAzureADJoinSkipConnectivityCheck');
    expect(bodyOf(form, false)).not.toHaveProperty('@odata.type');
  });

  it("shows the server's template message and a live example", () => {
    const form = { ...newProfileForm(), applyNameTemplate: true };
    expect(oobeProblem({ ...form, deviceNameTemplate: '' })).toMatch(/Enter a name template/);
    expect(oobeProblem({ ...form, deviceNameTemplate: 'ABC_%SERIAL%' })).toMatch(/'_' at position 4 is not allowed/);
    expect(oobeProblem({ ...form, deviceNameTemplate: '%RAND:5%' })).toBe('deviceNameTemplate must not produce names made of digits only.');
    expect(oobeProblem({ ...form, deviceNameTemplate: 'LAB-%RAND:4%' })).toBeNull();
    expect(exampleName('SLS-%SERIAL%')).toBe('SLS-5CG1234XYZ');
    expect(exampleName('LONGPREFIX-%SERIAL%')).toBe('LONGPREFIX-5CG1');
    expect(exampleName('LAB-%RAND:4%')).toMatch(/^LAB-\d{4}$/);
    expect(exampleName('LAB-%RAND:4%')).toBe(exampleName('LAB-%RAND:4%'));
    expect(exampleName('BAD_%SERIAL%')).toBeNull();
  });

  it('reads a saved profile back into the same form', () => {
    const saved = toGraphDeploymentProfile(deploymentProfile('t1', { displayName: 'Saved', deviceNameTemplate: 'SV-%SERIAL%', locale: 'de-DE' })) as unknown as GraphProfile;
    const form = formOf(saved);
    expect(form).toMatchObject({ displayName: 'Saved', applyNameTemplate: true, deviceNameTemplate: 'SV-%SERIAL%', locale: 'de-DE', mode: 'userDriven', joinType: 'azureAD' });
    expect(bodyOf(form, false)).toMatchObject({ displayName: 'Saved', deviceNameTemplate: 'SV-%SERIAL%', locale: 'de-DE' });
  });

  it('turns assignments into targets and back', () => {
    const saved = [
      { id: 'p_g1', target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: 'g1' } },
      { id: 'p_g2', target: { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId: 'g2' } },
    ];
    const form = assignmentFormOf(saved);
    expect(form).toEqual({ allDevices: false, included: ['g1'], excluded: ['g2'] });
    expect([...targetsOf(form).keys()]).toEqual(saved.map((a) => targetKey(a.target)));
    expect([...targetsOf({ ...form, allDevices: true }).keys()]).toEqual(['all', 'ex:g2']);
  });
});

describe('console rule helpers', () => {
  const device = (id: string, physicalIds: string[]): GraphDevice => ({
    id,
    deviceId: id,
    displayName: id,
    operatingSystem: 'Windows',
    operatingSystemVersion: '10.0',
    accountEnabled: true,
    trustType: null,
    enrollmentProfileName: null,
    deviceOwnership: null,
    managementType: null,
    physicalIds,
  });

  it('gives the position of an error and matches devices as the server does', () => {
    const bad = checkRule('(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales")');
    expect(bad.ok).toBe(false);
    const good = checkRule(AUTOPILOT_RULES.groupTag('Sales'));
    if (!good.ok) throw new Error(good.message);
    const devices = [device('a', ['[ZTDID]:1', '[OrderID]:sales']), device('b', ['[ZTDID]:2', '[OrderID]:Other'])];
    expect(matchingDevices(good.node, devices).map((d) => d.id)).toEqual(['a']);
    const all = checkRule(AUTOPILOT_RULES.all);
    if (!all.ok) throw new Error(all.message);
    expect(matchingDevices(all.node, devices)).toHaveLength(2);
    expect(AUTOPILOT_RULES.purchaseOrder('P"1')).toBe('(device.devicePhysicalIds -any (_ -eq "[PurchaseOrderId]:P`"1"))');
  });

  it('makes a mail nickname Graph accepts from any name', () => {
    expect(mailNicknameOf('Sales devices (EU)')).toMatch(/^SalesdevicesEU-[0-9a-f]{1,6}$/);
    expect(mailNicknameOf('Ventes é')).toMatch(/^Ventese-/);
    expect(mailNicknameOf('日本')).toMatch(/^group-/);
  });
});
