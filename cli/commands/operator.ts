import type { Command } from 'commander';

/** Operator commands against the deployed stack (status, redrive, start). */
export function registerOperatorCommands(_program: Command): void {}
