import { type Command, InvalidArgumentError, Option } from 'commander';
import { OPENSEARCH } from '../../lib/release/constraints';
import { action } from '../errors';
import { FLEET_INDEXING_HELP, FLEET_INDEXING_MODES } from '../local/fleet-indexing';

const DEFAULT_STATE_DIR = '.pkgrelease';
const DEFAULT_PORT = '4580'; // = cli/local/serve.ts DEFAULT_PORT (kept here so --help loads nothing)
const stateDirOption = () => new Option('--state-dir <dir>', 'where local state persists between commands (one serve and any number of other commands can share it)').default(DEFAULT_STATE_DIR);
/** Repeatable `--domain <name>`: local OpenSearch domains. */
const domainOption = (what: string) =>
  new Option('--domain <name>', what).argParser((value: string, previous: string[] = []) => [...previous, value]);
const fleetIndexingOption = () => new Option('--fleet-indexing <mode>', FLEET_INDEXING_HELP).choices(FLEET_INDEXING_MODES);
const jsonOption = () => new Option('--json', 'print one JSON document (executions, catalog, calls) on stdout and nothing else');
const configOption = () => new Option('--config <file>', 'package configuration (config/packages.json format); default: ./config/packages.json if present, else the state dir\'s');

/** Each command's implementation is imported when it runs, so start-up and --help stay light. */
const actions = () => import('../local/actions');

/** `pkgrelease local …`: the same state machine and handlers against the local twin of AWS. */
export function registerLocalCommands(program: Command): void {
  const local = program
    .command('local')
    .description('run releases on this machine against a local twin of IoT, OpenSearch, S3, DynamoDB and Step Functions');

  local
    .command('publish')
    .description('upload a file into the local artifact bucket and run the release it triggers (through a running serve, if any)')
    .argument('<file>', 'the artifact to release (not empty)')
    .option('--package <name>', 'IoT software package name')
    .option('--version <name>', 'package version name')
    .option('--key <key>', 'object key instead of --package/--version (the key names them: releases/<package>/<version>/<file>)')
    .option('--opensearch-package <name>', 'OpenSearch package it feeds (first release of a package only)')
    .addOption(new Option('--type <type>', 'OpenSearch package type (created on first release; default: ZIP-PLUGIN for .zip, else TXT-DICTIONARY)').choices(OPENSEARCH.packageTypes))
    .addOption(domainOption('a local OpenSearch domain running the OpenSearch package, created on first use (repeatable; not through a serve)'))
    .addOption(configOption())
    .addOption(stateDirOption())
    .addOption(fleetIndexingOption())
    .addOption(jsonOption())
    .action(action(async (file: string, opts) => (await import('../local/publish')).publish(file, opts)));

  local
    .command('run')
    .description('run a scenario file: packages, uploads (offsets, duplicates), manifests, faults, timing, seed')
    .argument('<scenario>', 'scenario JSON file (see examples/scenario.json and schemas/scenario.v1.schema.json)')
    .option('--state-dir <dir>', 'keep the run\'s state in this new directory, so that "local redrive", "local state" and "local logs" work on it afterwards (default: a throw-away twin)')
    .addOption(jsonOption())
    .action(action(async (path: string, opts) => (await actions()).runScenario(path, opts)));

  local
    .command('serve')
    .description('keep the twin running on fixed ports: prints AWS_ENDPOINT_URL_* lines; every object put under releases/ is released')
    .addOption(stateDirOption())
    .addOption(configOption())
    .addOption(domainOption('create a local OpenSearch domain with this name (repeatable)'))
    .addOption(fleetIndexingOption())
    .option('--port <port>', 'base port: Step Functions API on it, S3, IoT, OpenSearch, DynamoDB on the next four', parsePort, Number(DEFAULT_PORT))
    .action(action(async (opts) => (await import('../local/serve')).serve(opts)));

  local
    .command('env')
    .description('print the export lines of the serve running on the state dir again')
    .addOption(stateDirOption())
    .action(action(async (opts) => (await import('../local/serve')).env(opts)));

  local
    .command('state')
    .description('show the local executions, catalog and call counts (a report: exit code 0)')
    .addOption(stateDirOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(action(async (opts) => (await actions()).showState(opts)));

  local
    .command('redrive')
    .description('resume a failed local execution at the state that failed, as the console\'s Redrive does (refuses what a redrive cannot fix)')
    .argument('<execution-name>', 'name of the failed execution (see "local state")')
    .addOption(stateDirOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(action(async (name: string, opts) => (await actions()).redrive(name, opts)));

  local
    .command('invoke')
    .description('run one step\'s handler with a sample event against the twin (like serverless invoke local)')
    .argument('<step>', 'prepare, createVersion, updateOpenSearch, checkOpenSearch, promote or trigger')
    .requiredOption('--event <file>', 'the event, JSON')
    .addOption(stateDirOption())
    .addOption(configOption())
    .action(action(async (step: string, opts) => (await import('../local/invoke')).invoke(step, opts)));

  local
    .command('logs')
    .description('a local execution\'s events, with each failed step\'s error and cause')
    .argument('<execution-name>', 'name of the execution (see "local state")')
    .addOption(stateDirOption())
    .option('--json', 'print the events as Step Functions\' GetExecutionHistory returns them')
    .action(action(async (name: string, opts) => (await import('../local/logs')).localLogs(name, opts)));

  local
    .command('doctor')
    .description('check what a release needs against the twin, as "pkgrelease doctor" does against AWS (fleet indexing, bucket, state machine, table, OpenSearch packages and domains)')
    .addOption(stateDirOption())
    .addOption(configOption())
    .option('--fix-indexing', 'turn on what the Software Package Catalog needs in the twin\'s fleet indexing, keeping every other setting; prints what it changed')
    .option('--json', 'print one JSON document (checks, changed, ok)')
    .action(action(async (opts) => (await import('../local/doctor')).localDoctor(opts)));

  local
    .command('fleet')
    .description('which simulated devices run which version of a package, as "pkgrelease fleet" shows it on AWS (from the twin\'s fleet index)')
    .argument('<package>', 'the IoT software package')
    .addOption(stateDirOption())
    .option('--group <name>', 'only the things of this thing group')
    .option('--json', 'print one JSON document')
    .action(action(async (packageName: string, opts) => (await import('../local/fleet')).localFleet(packageName, opts)));

  local
    .command('rollback')
    .description('undo a bad release on the twin, as "pkgrelease rollback" does on AWS: default, deprecations, OpenSearch re-import, domains, devices')
    .argument('<package>', 'the IoT software package')
    .requiredOption('--to <version>', 'the PUBLISHED or DEPRECATED version to go back to')
    .option('--reason <text>', 'why: kept in the execution input')
    .option('--by <who>', 'who rolls back (default: $USER)')
    .option('--token <token>', 'the rollback token (default: derived from the package, the target and the head)')
    .option('--dry-run', 'print what would change on each side and change nothing')
    .addOption(stateDirOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(action(async (packageName: string, opts) => (await import('../local/rollback')).localRollback(packageName, opts)));

  local
    .command('campaign')
    .description('seeded concurrent releases on a fresh twin (overlaps, duplicates, identical re-uploads, faults, rollbacks racing releases), failed ones redriven, invariants checked')
    .option('--seed <n>', 'seed of the generated plan', '1')
    .option('--releases <n>', 'how many releases (uploads)', '100')
    .option('--packages <n>', 'over how many packages', '10')
    .option('--faults', 'inject throttling, 5xx, lost responses, latency, slow and failing imports')
    .option('--rollbacks <n>', 'how many packages are rolled back (racing releases; each with a staged rollout to simulated devices); default one in four')
    .option('--replay <file>', 'run a plan written by a failed campaign again')
    .option('--out <file>', 'where a failing plan is written', 'campaign-failure-{seed}.json')
    .addOption(jsonOption())
    .action(action(async (opts) => (await import('../local/campaign')).campaign(opts)));

  local
    .command('reset')
    .description('delete the local state directory')
    .addOption(stateDirOption())
    .action(action(async (opts) => (await actions()).reset(opts)));

  local
    .command('demo')
    .description('a short scripted release on a fresh state dir: two versions of one package, then the catalog')
    .addOption(jsonOption())
    .action(action(async (opts) => (await actions()).demo(opts)));
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535 - 4) throw new InvalidArgumentError('a port number, 1 to 65531 (it and the next four are used)');
  return port;
}
