// Commands that play the device (simulate), run the deregistration sequence (devices offboard), and call Graph raw
// (graph).
import type { Command } from 'commander';
import type { CommandKit } from './command-kit.js';

export function registerDeviceSideCommands(program: Command, kit: CommandKit): void {
  const { run, online, onlineHelp, devices } = kit;

  program
    .command('simulate')
    .description("Play a PC against Tarmac's device-side API (no credentials): oobe, enroll or workplace-join, printing each step")
    .argument('<scenario>', 'oobe (download the profile), enroll (first Autopilot run) or workplace-join (Entra registered, --mdm for MDM-only)')
    .argument('<hash-file>', 'the hash: anything `tarmac hash decode` reads (CSV, OA3.xml, a bare base64 file, base64 text, - for stdin); every hash in it plays')
    .option('--server <url>', 'Tarmac base URL (or $TARMAC_SERVER; default http://127.0.0.1:8080)')
    .option('--upn <user@domain>', 'the signing-in user (enroll: assigned to the managed device; workplace-join: required, its domain picks the tenant)')
    .option('--mdm', 'workplace-join: also enroll in Intune as a personal device (MDM-only)')
    .option('--profile-id <id>', 'enroll: the profile the PC enrolls under (default: the one it downloaded)')
    .option('--device-name <name>', 'enroll: the computer name (default: from the profile template)')
    .option('--skip-profile', 'enroll: do not download the profile first (a real PC always does)')
    .option('--config <file>', 'enroll: the AutopilotConfigurationFile.json the PC carries (an unregistered PC then enrolls from it)')
    .option('--json', 'print [{source, serialNumber, steps: [{step, request, status, response}], ok}] as JSON')
    .addHelpText(
      'after',
      `
Exit 0 when every step succeeded, 1 when Tarmac refused one (not registered, blocked, bad hash), 2 when the command
could not run.

Examples:
  $ tarmac simulate oobe AutopilotHWID.csv
  $ tarmac simulate enroll --upn ada@contoso.com AutopilotHWID.csv
  $ tarmac simulate enroll --config AutopilotConfigurationFile.json unregistered.csv   (Autopilot for existing devices)
  $ tarmac simulate workplace-join --upn bo@contoso.onmicrosoft.com --mdm laptop.csv
  $ tarmac simulate oobe --server http://tarmac.lab:8080 --json OA3.xml`,
    )
    .action(run(async () => (await import('./commands/simulate.js')).simulate));

  online(devices.command('offboard'))
    .description('Deregister devices in the documented order (Intune, user, Autopilot, Entra), by id or serial. Exit 1 if any step failed')
    .argument('<id|serial...>', 'device ids (ZTDID) or serial numbers')
    .option('--json', 'print [{target, id, serialNumber, completed, message, steps: [{system, action, detail}]}] as JSON')
    .addHelpText(
      'after',
      `
Per device: delete the Intune managed device, unassign the user, deregister the Autopilot device; its Entra object is
deleted when it never joined and kept (without its Autopilot physicalIds) when joined, as Microsoft advises.
${onlineHelp}

Examples:
  $ tarmac devices offboard 5CG1234XYZ 5CG1234XZA
  $ tarmac devices offboard --json 8f0c6a1e-5a43-4c1e-9d0b-3c3e3b0f6f51`,
    )
    .action(run(async () => (await import('./commands/offboard.js')).devicesOffboard));

  online(program.command('graph'))
    .description('Call the Graph API raw with the app’s token (like `az rest`) and print the response. Exit 1 on an HTTP error')
    .argument('<method>', 'GET, POST, PATCH, PUT or DELETE')
    .argument('<path>', 'a Graph path such as /v1.0/deviceManagement/managedDevices (or a full URL on the server)')
    .option('--body <json|@file>', 'request body: JSON text, or @file.json')
    .option('--json', 'print {status, body} (or {status, error}) as JSON')
    .addHelpText(
      'after',
      `${onlineHelp}

Examples:
  $ tarmac graph GET "/v1.0/deviceManagement/managedDevices?\\$filter=managedDeviceOwnerType eq 'personal'"
  $ tarmac graph POST /beta/deviceManagement/windowsAutopilotDeploymentProfiles --body @profile.json
  $ tarmac graph DELETE /v1.0/deviceManagement/managedDevices/5b0c…`,
    )
    .action(run(async () => (await import('./commands/graph.js')).graphCall));
}
