import { type Command, Option } from 'commander';
import { OPENSEARCH } from '../../lib/release/constraints';
import { action } from '../errors';

/** `pkgrelease validate`: Prepare's checks on an artifact before it is uploaded (or on one in S3). */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check an artifact as Prepare will (names, configuration, size, type, key convention) before releasing it')
    .argument('<file|s3-uri>', 'a local file, or s3://<bucket>/<key> (the package and version then default to the key\'s)')
    .option('--package <name>', 'IoT software package name')
    .option('--version <name>', 'package version name')
    .option('--config <file>', 'package configuration (default: ./config/packages.json)')
    .addOption(new Option('--type <type>', 'OpenSearch package type, to check the file fits it').choices(OPENSEARCH.packageTypes))
    .option('--region <region>', 'AWS region, for an S3 URI')
    .addOption(new Option('--profile <name>', 'named AWS profile, for an S3 URI').env('AWS_PROFILE'))
    .addHelpText('after', '\nExit code 0: Prepare would accept it; 1: it would not (the message says why); 2: usage error.\n\nExample:\n  pkgrelease validate dist/agent.zip --package edge-agent --version 1.2.0 --type ZIP-PLUGIN')
    .action(action(async (target: string, opts) => (await import('../operator/validate')).validate(target, opts)));
}
