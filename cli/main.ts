import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerLocalCommands } from './commands/local';
import { registerOperatorCommands } from './commands/operator';
import { registerValidateCommand } from './commands/validate';
import { cliFlags, EXIT } from './errors';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** `pkgrelease`: run releases locally against the twin, and operate the deployed pipeline. */
export function buildProgram(): Command {
  const program = new Command('pkgrelease')
    .description('Retry-safe releases of AWS IoT software package versions and their OpenSearch package')
    .version(version, '-V, --version', 'print the pkgrelease version')
    .option('--debug', 'on an error, also print the stack (accepted anywhere on the command line)')
    // Program options only before the command: `local publish --version 1.0.0` is the release's version.
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true });
  registerLocalCommands(program);
  registerOperatorCommands(program);
  registerValidateCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  cliFlags.debug = argv.includes('--debug');
  try {
    await buildProgram().parseAsync(argv.filter((a, i) => i < 2 || a !== '--debug'));
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // Commander has printed the message; help and --version are not errors.
    process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
}
