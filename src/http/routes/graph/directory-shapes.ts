// Directory objects as Graph entities (Entra devices, groups), and what the directory routes share (roles). `satisfies` keeps every property a real one of
// @microsoft/microsoft-graph-types (v1.0).
import type { Device, Group as GraphGroup } from '@microsoft/microsoft-graph-types';
import type { Group } from '../../../directory/ports.js';
import type { EntraDevice } from '../../../model/index.js';

export function toGraphEntraDevice(e: EntraDevice) {
  return {
    '@odata.type': '#microsoft.graph.device',
    id: e.id,
    deletedDateTime: null,
    accountEnabled: e.accountEnabled,
    approximateLastSignInDateTime: e.approximateLastSignInAt,
    complianceExpirationDateTime: null,
    deviceCategory: null,
    deviceId: e.deviceId,
    deviceMetadata: null,
    // Graph returns null until the device joins or enrolls (Company / Personal after).
    deviceOwnership: e.deviceOwnership === '' ? null : e.deviceOwnership,
    deviceVersion: null,
    displayName: e.displayName,
    enrollmentProfileName: e.enrollmentProfileName,
    enrollmentType: null,
    isCompliant: null,
    isManaged: e.isManaged,
    isRooted: false,
    managementType: e.managementType,
    manufacturer: null,
    mdmAppId: e.mdmAppId,
    model: null,
    onPremisesLastSyncDateTime: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    operatingSystem: e.operatingSystem,
    operatingSystemVersion: e.operatingSystemVersion,
    physicalIds: e.physicalIds,
    profileType: e.profileType,
    registrationDateTime: e.createdAt,
    systemLabels: [],
    trustType: e.trustType,
    alternativeSecurityIds: [],
  } satisfies Device & { '@odata.type': string };
}

export function toGraphGroup(g: Group) {
  return {
    '@odata.type': '#microsoft.graph.group',
    id: g.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: g.createdAt,
    creationOptions: [],
    description: g.description === '' ? null : g.description,
    displayName: g.displayName,
    expirationDateTime: null,
    groupTypes: g.groupTypes,
    isAssignableToRole: null,
    mail: null,
    mailEnabled: g.mailEnabled,
    mailNickname: g.mailNickname,
    membershipRule: g.membershipRule,
    membershipRuleProcessingState: g.membershipRuleProcessingState,
    onPremisesDomainName: null,
    onPremisesLastSyncDateTime: null,
    onPremisesNetBiosName: null,
    onPremisesSamAccountName: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    proxyAddresses: [],
    renewedDateTime: g.createdAt,
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: g.securityEnabled,
    securityIdentifier: null,
    theme: null,
    uniqueName: null,
    visibility: null,
    onPremisesProvisioningErrors: [],
    serviceProvisioningErrors: [],
  } satisfies GraphGroup & { '@odata.type': string; creationOptions: string[]; resourceBehaviorOptions: string[]; resourceProvisioningOptions: string[] };
}

// ---- what the directory routes (devices.ts, groups.ts) share ---------------------------------------------------------

/** Creating, changing and deleting Entra devices. */
export const DEVICE_WRITE = ['Device.ReadWrite.All', 'Directory.ReadWrite.All'];
/** Reading groups and their members (least privileged first), as in Graph. */
export const GROUP_READ = ['GroupMember.Read.All', 'Group.Read.All', 'GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
export const GROUP_WRITE = ['Group.ReadWrite.All', 'Directory.ReadWrite.All'];
/** Adding and removing static members. */
export const GROUP_MEMBER_WRITE = ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'];
