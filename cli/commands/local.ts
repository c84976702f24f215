import { type Command, Option } from 'commander';

// Loaded when a command runs, not to print help: the twin, the engine and the SDK are most of start-up.
const actions = () => import('../local/actions');

const DEFAULT_STATE_DIR = '.pkgrelease';
const stateDirOption = () => new Option('--state-dir <dir>', 'where local state persists between commands').default(DEFAULT_STATE_DIR);
/** Repeatable `--domain <name>`: local OpenSearch domains (issue 9). */
const domainOption = (what: string) =>
  new Option('--domain <name>', what).argParser((value: string, previous: string[] = []) => [...previous, value]);
const jsonOption = () => new Option('--json', 'print one JSON document (executions, catalog, calls) on stdout and nothing else');

/** `pkgrelease local …`: the same state machine and handlers against the local twin of AWS. */
export function registerLocalCommands(program: Command): void {
  const local = program
    .command('local')
    .description('run releases on this machine against a local twin of IoT, OpenSearch, S3, DynamoDB and Step Functions');

  local
    .command('publish')
    .description('upload a file into the local artifact bucket and run the release it triggers')
    .argument('<file>', 'the artifact to release')
    .requiredOption('--package <name>', 'IoT software package name')
    .requiredOption('--version <name>', 'package version name')
    .option('--key <key>', 'object key (default: releases/<package>/<version>/<file name>)')
    .option('--opensearch-package <name>', 'OpenSearch package it feeds (first release of a package only)')
    .addOption(domainOption('a local OpenSearch domain running the OpenSearch package, created on first use (repeatable)'))
    .addOption(stateDirOption())
    .addOption(jsonOption())
    .action(async (file: string, opts) => (await actions()).publish(file, opts));

  local
    .command('run')
    .description('run a scenario file: packages, uploads (offsets, duplicates), manifests, faults, timing, seed')
    .argument('<scenario>', 'scenario JSON file (see examples/scenario.json)')
    .addOption(jsonOption())
    .action(async (path: string, opts) => (await actions()).runScenario(path, opts));

  local
    .command('serve')
    .description('keep the twin running: prints AWS_ENDPOINT_URL_* lines; every object put under releases/ is released')
    .addOption(stateDirOption())
    .option('--config <file>', 'package configuration (config/packages.json format); default: the state dir\'s')
    .addOption(domainOption('create a local OpenSearch domain with this name (repeatable)'))
    .action(async (opts) => (await actions()).serve(opts));

  local
    .command('state')
    .description('show the local executions, catalog and call counts')
    .addOption(stateDirOption())
    .addOption(jsonOption())
    .action(async (opts) => (await actions()).showState(opts));

  local
    .command('redrive')
    .description('resume a failed local execution at the state that failed, as the console\'s Redrive does')
    .argument('<execution-name>', 'name of the failed execution (see "local state")')
    .addOption(stateDirOption())
    .addOption(jsonOption())
    .action(async (name: string, opts) => (await actions()).redrive(name, opts));

  local
    .command('campaign')
    .description('seeded concurrent releases on a fresh twin (overlaps, duplicates, identical re-uploads, faults), failed ones redriven, invariants checked')
    .option('--seed <n>', 'seed of the generated plan', '1')
    .option('--releases <n>', 'how many releases (uploads)', '100')
    .option('--packages <n>', 'over how many packages', '10')
    .option('--faults', 'inject throttling, 5xx, lost responses, latency, slow and failing imports')
    .option('--replay <file>', 'run a plan written by a failed campaign again')
    .option('--out <file>', 'where a failing plan is written', 'campaign-failure-{seed}.json')
    .addOption(jsonOption())
    .action(async (opts) => (await import('../local/campaign')).campaign(opts));

  local
    .command('reset')
    .description('delete the local state directory')
    .addOption(stateDirOption())
    .action(async (opts) => (await actions()).reset(opts));

  local
    .command('demo')
    .description('a short scripted release on a fresh state dir: two versions of one package, then the catalog')
    .addOption(jsonOption())
    .action(async (opts) => (await actions()).demo(opts));
}
