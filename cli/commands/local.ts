import type { Command } from 'commander';

/** `pkgrelease local …`: the local twin and engine. */
export function registerLocalCommands(_program: Command): void {}
