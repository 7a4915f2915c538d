// Commands for simulate, devices offboard, graph (helper C).
import type { Command } from 'commander';
import type { CommandKit } from './command-kit.js';

export function registerDeviceSideCommands(program: Command, kit: CommandKit): void {
  void program;
  void kit;
}
