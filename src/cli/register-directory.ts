// Commands for groups and Entra devices: `tarmac groups …` and `tarmac entra …`, online through the Graph API.
import type { Command } from 'commander';
import type { CommandKit } from './command-kit.js';

export function registerDirectoryCommands(program: Command, kit: CommandKit): void {
  const { run, online, onlineHelp } = kit;

  const groups = program.command('groups').description('Entra groups of devices (static, or dynamic by a membership rule), through the Graph API (online)');
  online(groups.command('create'))
    .description('Create a group: dynamic with --rule (members follow the rule at once), static without')
    .requiredOption('--name <displayName>', 'the group display name')
    .option('--rule <rule>', 'a dynamic membership rule over device properties, e.g. (device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))')
    .option('--description <text>', 'the group description')
    .option('--paused', 'create the rule with processing Paused (no members until it is turned On)')
    .option('--json', 'print the created group as Graph JSON')
    .addHelpText(
      'after',
      `
Rules are Entra's: device.devicePhysicalIds with -any/-all (_ -eq/-contains/-startsWith "…"), and displayName,
deviceOwnership, deviceTrustType, enrollmentProfileName, managementType, deviceOSType, deviceOSVersion, deviceId,
objectId, accountEnabled with -eq -ne -startsWith -notStartsWith -contains -notContains -in -notIn -match;
-and, -or, -not and parentheses. Exit 1 when Tarmac refuses the group (the message says why, with the position in
the rule).
${onlineHelp}

Examples:
  $ tarmac groups create --name "All Autopilot devices" --rule '(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]"))'
  $ tarmac groups create --name "Autopilot Sales" --rule '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))'
  $ tarmac groups create --name "Pilot ring" --description "hand-picked devices"`,
    )
    .action(run(async () => (await import('./commands/groups.js')).groupsCreate));

  online(groups.command('list'))
    .description('List the groups of the tenant (every page)')
    .option('--filter <odata>', "an OData $filter, e.g. \"startswith(displayName,'Autopilot')\"")
    .option('--json', 'print the groups as Graph JSON')
    .addHelpText(
      'after',
      `${onlineHelp}

Examples:
  $ tarmac groups list
  $ tarmac groups list --filter "startswith(displayName,'Autopilot')" --json`,
    )
    .action(run(async () => (await import('./commands/groups.js')).groupsList));

  online(groups.command('members'))
    .description('List the member devices of a group, named by id or display name')
    .argument('<id|displayName>', 'the group object id or its exact display name')
    .option('--json', 'print the members as Graph device JSON')
    .addHelpText(
      'after',
      `${onlineHelp}

Examples:
  $ tarmac groups members "Autopilot Sales"
  $ tarmac groups members 3c9d1e52-4f7b-4c1a-9a0e-8f2d6b7c1a23 --json | jq -r '.[].displayName'`,
    )
    .action(run(async () => (await import('./commands/groups.js')).groupsMembers));

  online(groups.command('delete'))
    .description('Delete groups, by id or display name. Exit 1 if any could not be deleted')
    .argument('<id|displayName...>', 'group object ids or exact display names')
    .option('--json', 'print [{target, id, status, message}] as JSON')
    .addHelpText(
      'after',
      `
A deleted group's devices lose the deployment profiles assigned through it.
${onlineHelp}

Examples:
  $ tarmac groups delete "Pilot ring"
  $ tarmac groups delete 3c9d1e52-4f7b-4c1a-9a0e-8f2d6b7c1a23 "Autopilot Sales"`,
    )
    .action(run(async () => (await import('./commands/groups.js')).groupsDelete));

  const entra = program.command('entra').description('Entra device objects of a tenant, through the Graph API (online)');
  online(entra.command('list'))
    .description('List Entra devices (every page)')
    .option('--filter <odata>', "an OData $filter, e.g. \"physicalIds/any(p: startswith(p, '[ZTDID]'))\"")
    .option('--json', 'print the devices as Graph JSON')
    .addHelpText(
      'after',
      `
trustType tells the join: Workplace = Entra registered (personal), AzureAd = Entra joined, ServerAd = hybrid joined;
none yet for an Autopilot device that has not run OOBE.
${onlineHelp}

Examples:
  $ tarmac entra list
  $ tarmac entra list --filter "physicalIds/any(p: startswith(p, '[ZTDID]'))"
  $ tarmac entra list --filter "trustType eq 'Workplace'" --json`,
    )
    .action(run(async () => (await import('./commands/entra.js')).entraList));

  online(entra.command('delete'))
    .description('Delete Entra devices, by object id, deviceId or display name. Exit 1 if any was refused or not found')
    .argument('<id|displayName...>', 'object ids, deviceIds or exact display names')
    .option('--json', 'print [{target, id, displayName, status, message}] as JSON')
    .addHelpText(
      'after',
      `
The Entra object of a Windows Autopilot device is refused (it would orphan the Autopilot record): deregister the
device first with \`tarmac devices delete\` or \`tarmac devices offboard\`. The server's reason is printed.
${onlineHelp}

Examples:
  $ tarmac entra delete LAPTOP-BYOD-01
  $ tarmac entra delete 0b6c1f3e-2f1d-4c8e-9a57-1d2e3f4a5b6c --json`,
    )
    .action(run(async () => (await import('./commands/entra.js')).entraDelete));
}
