// What main.ts hands to the modules that register groups of commands (register-*.ts): the lazy-action wrapper and
// the online connection options, so that every command is declared the same way and loads its code only when run;
// and what every command resolves to (ExitCode).
import type { Command } from 'commander';

/** Exit codes: 0 ok, 1 the input has errors (validation failed), 2 the command itself could not run. */
export type ExitCode = 0 | 1 | 2;

/** A command's implementation: whatever its arguments, it resolves to the exit code. */
export type Action = (...args: never[]) => Promise<ExitCode>;

export interface CommandKit {
  /** Wraps a lazily imported action: `run(async () => (await import('./commands/x.js')).x)`. */
  run: <A extends Action>(load: () => Promise<A>) => (...args: Parameters<A>) => Promise<void>;
  /** Adds --server, --tenant, --client-id, --client-secret to a command. */
  online: (cmd: Command) => Command;
  /** Help text about the connection options, for addHelpText. */
  onlineHelp: string;
  /** The `tarmac devices` command group. */
  devices: Command;
}
