// Commands for groups and Entra devices (helper A).
import type { Command } from 'commander';
import type { CommandKit } from './command-kit.js';

export function registerDirectoryCommands(program: Command, kit: CommandKit): void {
  void program;
  void kit;
}
