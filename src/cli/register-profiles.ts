// Commands for deployment profiles (helper B).
import type { Command } from 'commander';
import type { CommandKit } from './command-kit.js';

export function registerProfileCommands(program: Command, kit: CommandKit): void {
  void program;
  void kit;
}
