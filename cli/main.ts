import { Command } from 'commander';
import { registerLocalCommands } from './commands/local';
import { registerOperatorCommands } from './commands/operator';

/** `pkgrelease`: run releases locally against the twin, and operate the deployed pipeline. */
export function buildProgram(): Command {
  const program = new Command('pkgrelease')
    .description('Retry-safe releases of AWS IoT software package versions and their OpenSearch package')
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true });
  registerLocalCommands(program);
  registerOperatorCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
