// Commands for deployment profiles: `tarmac profile list|create|assign|unassign|delete|export-json` (online).
import type { Command } from 'commander';
import type { CommandKit } from './command-kit.js';

export function registerProfileCommands(program: Command, kit: CommandKit): void {
  const { run, online, onlineHelp } = kit;
  const profile = program.command('profile').description('Autopilot deployment profiles of a tenant, through the beta Graph API (online)');

  online(profile.command('list'))
    .description('List deployment profiles')
    .option('--json', 'print a JSON array of windowsAutopilotDeploymentProfile objects')
    .addHelpText('after', `${onlineHelp}\n\nExamples:\n  $ tarmac profile list\n  $ tarmac profile list --json`)
    .action(run(async () => (await import('./commands/profile.js')).profileList));

  online(profile.command('create'))
    .description('Create a deployment profile (Entra join unless --hybrid)')
    .requiredOption('--name <name>', 'display name (at most 200 characters)')
    .option('--description <text>', 'description (at most 1500 characters)')
    .option('--template <template>', 'device name template: at most 15 characters, letters/digits/hyphens, %SERIAL% or %RAND:x%')
    .option('--mode <mode>', 'user-driven or self-deploying', 'user-driven')
    .option('--hybrid', 'hybrid Entra join (activeDirectoryWindowsAutopilotDeploymentProfile)')
    .option('--standard-user', 'the first user is a standard user, not a local administrator')
    .option('--locale <tag>', 'language/region, e.g. en-US (default: the user chooses)')
    .option('--json', 'print the created profile as JSON')
    .addHelpText(
      'after',
      `${onlineHelp}\n\nExamples:\n  $ tarmac profile create --name "Sales laptops" --template "SALES-%SERIAL%" --standard-user\n  $ tarmac profile create --name Kiosks --mode self-deploying --template "KIOSK-%RAND:5%"`,
    )
    .action(run(async () => (await import('./commands/profile.js')).profileCreate));

  online(profile.command('assign'))
    .description('Assign a profile to a group (or exclude one), or to all devices')
    .argument('<profile>', 'the profile id or display name')
    .option('--group <id|name>', 'the group object id or display name')
    .option('--all-devices', 'assign to all devices (the default profile)')
    .option('--exclude', 'exclude the group instead of including it')
    .option('--json', 'print the windowsAutopilotDeploymentProfileAssignment as JSON')
    .addHelpText('after', `${onlineHelp}\n\nExamples:\n  $ tarmac profile assign "Sales laptops" --group "Sales devices"\n  $ tarmac profile assign Default --all-devices`)
    .action(run(async () => (await import('./commands/profile.js')).profileAssign));

  online(profile.command('unassign'))
    .description('Remove an assignment of a profile')
    .argument('<profile>', 'the profile id or display name')
    .option('--group <id|name>', 'the group object id or display name')
    .option('--all-devices', 'the all-devices assignment')
    .option('--json', 'print {profileId, assignmentId, removed: true} as JSON')
    .addHelpText('after', `${onlineHelp}\n\nExamples:\n  $ tarmac profile unassign "Sales laptops" --group "Sales devices"`)
    .action(run(async () => (await import('./commands/profile.js')).profileUnassign));

  online(profile.command('delete'))
    .description('Delete a profile (refused while it is assigned)')
    .argument('<profile>', 'the profile id or display name')
    .option('--json', 'print {id, displayName, deleted: true} as JSON')
    .addHelpText('after', `${onlineHelp}\n\nExamples:\n  $ tarmac profile delete "Sales laptops"`)
    .action(run(async () => (await import('./commands/profile.js')).profileDelete));

  online(profile.command('export-json'))
    .description('Write the profile as AutopilotConfigurationFile.json (Autopilot for existing devices), ASCII only')
    .argument('<profile>', 'the profile id or display name')
    .option('--out <file>', 'where to write it; - for stdout', 'AutopilotConfigurationFile.json')
    .addHelpText(
      'after',
      `${onlineHelp}\n\nThe file must keep the name AutopilotConfigurationFile.json and stay ASCII (OOBE ignores UTF-8/Unicode files).\n\nExamples:\n  $ tarmac profile export-json "Sales laptops"\n  $ tarmac profile export-json "Sales laptops" --out -`,
    )
    .action(run(async () => (await import('./commands/profile.js')).profileExportJson));
}
