import { type Command, Option } from 'commander';
import { action } from '../errors';

/** Operator commands against the deployed stack (status, redrive, start, logs). */
export function registerOperatorCommands(program: Command): void {
  registerStatus(program);
  registerRedrive(program);
  registerStart(program);
  registerLogs(program);
  registerApproval(program);
  registerDoctor(program);
  registerFleet(program);
  registerSbom(program);
  registerRollback(program);
}

/** Each command's implementation is imported when it runs, so start-up and --help stay light. */
const actions = () => import('../operator/actions');

function withAws(cmd: Command): Command {
  return cmd
    .option('--region <region>', 'AWS region (default: the ARN\'s region, else AWS_REGION or the profile\'s region)')
    .addOption(new Option('--profile <name>', 'named AWS profile, as in the AWS CLI').env('AWS_PROFILE'));
}

function withTarget(cmd: Command): Command {
  return withAws(cmd)
    .addOption(new Option('--state-machine-arn <arn>', 'the release state machine').env('PKGRELEASE_STATE_MACHINE_ARN'))
    .option('--stage <stage>', 'read the state machine ARN from the outputs of the stack pkgrelease-<stage>')
    .option('--stack-name <name>', 'stack whose StateMachineArn output to read (default: pkgrelease-<stage>)');
}

function registerStatus(program: Command): void {
  withTarget(program.command('status'))
    .description('recent releases: package, version, status, failed state, error and cause, and whether a redrive or a new release fixes it')
    .option('--failed', 'only FAILED, TIMED_OUT and ABORTED executions')
    .option('--since <when>', 'how far back: 90m, 24h, 7d, 2w or an ISO date', '24h')
    .option('--json', 'print one JSON document instead of a table')
    .addHelpText('after', '\nExamples:\n  pkgrelease status --stage prod --failed --since 7d\n  pkgrelease status --state-machine-arn arn:aws:states:…:stateMachine:pkgrelease-prod-release --json')
    .action(action(async (opts) => (await actions()).status(opts)));
}

function registerRedrive(program: Command): void {
  withTarget(program.command('redrive'))
    .description('redrive failed executions: each resumes at its failed state with its original input')
    .argument('[execution-arn]', 'one execution to redrive')
    .option('--all-failed', 'every FAILED or TIMED_OUT execution started since --since (ABORTED ones only by ARN)')
    .option('--since <when>', 'with --all-failed: how far back (90m, 24h, 7d, 2w or an ISO date)', '24h')
    .option('--concurrency <n>', 'redrives in flight at once', (v) => Math.max(1, Number.parseInt(v, 10) || 1), 4)
    .option('--dry-run', 'print what would be redriven or skipped, and redrive nothing')
    .addHelpText(
      'after',
      '\nSkipped with the reason: executions that cannot be redriven (running, succeeded, older than 14 days, …)\n' +
        'and failures a redrive cannot fix (InvalidRelease, VersionConflict, …: fix the input, upload a new release).\n' +
        'Safe to run again: each redrive uses a token per execution and redrive count.\nExit code 1 if any redrive failed.\n\n' +
        'Examples:\n  pkgrelease redrive arn:aws:states:eu-west-1:123456789012:execution:pkgrelease-prod-release:edge-agent-1.2.0-0123abcd\n' +
        '  pkgrelease redrive --all-failed --since 2d --stage prod --dry-run',
    )
    .action(action(async (arn: string | undefined, opts) => (await actions()).redrive(arn, opts)));
}

function registerStart(program: Command): void {
  withTarget(program.command('start'))
    .description('start a release by hand, exactly as the S3 trigger would (same deterministic execution name)')
    .argument('[s3-uri]', 'the artifact: s3://<bucket>/releases/<package>/<version>/<file>')
    .option('--manifest <file>', 'a release manifest (schemas/release-manifest.v1.schema.json) or release request, JSON')
    .option('--version-id <id>', 'with an S3 URI: the object version to release (default: the current one, pinned now)')
    .option('--dry-run', 'print the execution name and input that would be started, and start nothing')
    .addHelpText(
      'after',
      '\nThe artifact is pinned to one S3 object version before starting, so running this twice, or after\n' +
        'the trigger already did, reports "already started" (exit code 0).\n\nExamples:\n' +
        '  pkgrelease start s3://pkgrelease-prod-artifacts-123456789012-eu-west-1/releases/edge-agent/1.2.0/agent.zip --stage prod\n' +
        '  pkgrelease start --manifest release-manifest.json --stage prod --dry-run',
    )
    .action(action(async (uri: string | undefined, opts) => (await actions()).start(uri, opts)));
}

function registerLogs(program: Command): void {
  withAws(program.command('logs'))
    .description('an execution\'s events, with each failed step\'s error, cause and what to do next')
    .argument('<execution-arn>', 'the execution (see "pkgrelease status"); for a local one: pkgrelease local logs <name>')
    .option('--json', 'print the events as GetExecutionHistory returns them')
    .action(action(async (arn: string, opts) => (await actions()).logs(arn, opts)));
}

function registerApproval(program: Command): void {
  withTarget(program.command('approve'))
    .description('let a release that waits for approval (package with requireApproval) go on to Promote')
    .argument('<execution>', 'execution ARN, or its name with --stage / --state-machine-arn')
    .option('--comment <text>', 'recorded in the execution as the approval step\'s result')
    .addHelpText('after', '\nNeeds the ReleaseApproverPolicyArn stack output attached.\n\nExample:\n  pkgrelease approve edge-agent-1.2.0-0123abcd --stage prod')
    .action(action(async (execution: string, opts) => (await actions()).answer('approved', execution, opts)));
  withTarget(program.command('reject'))
    .description('stop a release that waits for approval: it fails with ReleaseRejected before Promote')
    .argument('<execution>', 'execution ARN, or its name with --stage / --state-machine-arn')
    .requiredOption('--reason <text>', 'why: the cause the execution fails with')
    .addHelpText('after', '\nExample:\n  pkgrelease reject edge-agent-1.2.0-0123abcd --stage prod --reason "fails the soak test"')
    .action(action(async (execution: string, opts) => (await actions()).answer('rejected', execution, opts)));
}

function registerDoctor(program: Command): void {
  withAws(program.command('doctor'))
    .description('check what a release needs before the first upload: fleet indexing, the stack\'s bucket, state machine and table, the OpenSearch packages and domains')
    .option('--stage <stage>', 'the stack pkgrelease-<stage>')
    .option('--stack-name <name>', 'the stack (default: pkgrelease-<stage>)')
    .option('--config <file>', 'package configuration whose OpenSearch packages and domains to check (default: ./config/packages.json)')
    .option('--fix-indexing', 'turn on what the Software Package Catalog needs in the account\'s fleet indexing (account-wide), keeping every other setting; prints what it changed')
    .option('--json', 'print one JSON document (checks, changed, ok)')
    .addHelpText(
      'after',
      '\nEach check prints ok, or FIX with what to change. Only --fix-indexing changes anything.\nExit code 1 if any check is not ok.\n\n' +
        'Examples:\n  pkgrelease doctor --stage prod --region eu-west-1\n  pkgrelease doctor --stage prod --fix-indexing',
    )
    .action(action(async (opts) => (await actions()).doctor(opts)));
}

function registerFleet(program: Command): void {
  withAws(program.command('fleet'))
    .description('which devices run which version of a package (from the fleet index), and its rollout jobs in progress')
    .argument('<package>', 'the IoT software package')
    .option('--group <name>', 'only the things of this thing group')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nNeeds fleet indexing with the $package shadow and the String custom field\n' +
        'shadow.name.$package.reported.<package>.version (docs/rollout.md).\n\nExample:\n  pkgrelease fleet edge-agent --group canary --region eu-west-1',
    )
    .action(action(async (packageName: string, opts) => (await actions()).fleet(packageName, opts)));
}

function registerSbom(program: Command): void {
  withAws(program.command('sbom'))
    .description('a package version\'s SBOM: where it is, AWS IoT\'s validation status and each file\'s result (error code and message)')
    .argument('<package>', 'IoT software package name')
    .argument('<version>', 'package version name')
    .option('--json', 'print one JSON document')
    .option('--attach <s3-uri>', 'first attach this SBOM (s3://<artifact bucket>/sboms/…) to the version')
    .option('--version-id <id>', 'with --attach: the SBOM\'s S3 object version (default: the newest)')
    .option('--replace', 'with --attach: replace the SBOM the version has (a released version keeps its SBOM otherwise)')
    .addHelpText(
      'after',
      '\nExit code 1 when the validation FAILED.\n\nExamples:\n  pkgrelease sbom edge-agent 1.2.0 --region eu-west-1\n' +
        '  pkgrelease sbom edge-agent 1.2.0 --attach s3://pkgrelease-prod-artifacts-123456789012-eu-west-1/sboms/edge-agent/1.2.0/sbom.zip --replace',
    )
    .action(action(async (packageName: string, versionName: string, opts) => (await actions()).sbom(packageName, versionName, opts)));
}

function registerRollback(program: Command): void {
  withTarget(program.command('rollback'))
    .description('undo a bad release: the default back to an older version, the versions above it DEPRECATED, its exact bytes imported into OpenSearch again and applied to the domains, and rolled out to the devices (the rollback state machine)')
    .argument('<package>', 'the IoT software package')
    .requiredOption('--to <version>', 'the PUBLISHED or DEPRECATED version to go back to (older than the newest PUBLISHED one)')
    .option('--reason <text>', 'why: kept in the execution input and the logs')
    .option('--by <who>', 'who rolls back: in the OpenSearch commit message and the canceled jobs\' comment (default: $USER)')
    .option('--token <token>', 'the rollback token (default: derived from the package, the target and the head, so running the command twice starts one rollback)')
    .option('--config <file>', 'with --dry-run: the package configuration (domains, rollout; default ./config/packages.json)')
    .option('--dry-run', 'print what would change on each side (catalog, OpenSearch, domains, devices) and change nothing')
    .addHelpText(
      'after',
      '\nWhen to roll back and when to roll forward: docs/rollback.md.\nA target that is not PUBLISHED/DEPRECATED, not older than the head, or whose S3 object version is gone is refused\n' +
        '(RollbackTargetInvalid, RollbackTargetGone) before anything changes.\n\nExamples:\n' +
        '  pkgrelease rollback edge-agent --to 1.0.0 --stage prod --dry-run\n  pkgrelease rollback edge-agent --to 1.0.0 --stage prod --reason "1.1.0 crashes the search nodes"',
    )
    .action(action(async (packageName: string, opts) => (await actions()).rollback(packageName, opts)));
}
