import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { ReleaseError } from '../../lib/release/errors';
import type { Decision } from '../operator/approve';
import type { TargetOptions } from '../operator/target';

// Loaded when a command runs, not to print help: the AWS SDK clients are most of start-up.
const clientsModule = () => import('../operator/clients');
const targetModule = () => import('../operator/target');

/** Operator commands against the deployed stack (status, redrive, start). */
export function registerOperatorCommands(program: Command): void {
  registerStatus(program);
  registerRedrive(program);
  registerStart(program);
  registerApproval(program);
}

interface CommonOptions extends TargetOptions {
  region?: string;
}

function withTarget(cmd: Command): Command {
  return cmd
    .option('--region <region>', 'AWS region (default: AWS_REGION or the profile\'s region)')
    .addOption(new Option('--state-machine-arn <arn>', 'the release state machine').env('PKGRELEASE_STATE_MACHINE_ARN'))
    .option('--stage <stage>', 'read the state machine ARN from the outputs of the stack pkgrelease-<stage>')
    .option('--stack-name <name>', 'stack whose StateMachineArn output to read (default: pkgrelease-<stage>)');
}

function registerStatus(program: Command): void {
  withTarget(program.command('status'))
    .description('recent releases: package, version, status, failed state, error and cause, redrive status')
    .option('--failed', 'only FAILED, TIMED_OUT and ABORTED executions')
    .option('--since <when>', 'how far back: 90m, 24h, 7d, 2w or an ISO date', '24h')
    .option('--json', 'print one JSON document instead of a table')
    .addHelpText('after', '\nExamples:\n  pkgrelease status --stage prod --failed --since 7d\n  pkgrelease status --state-machine-arn arn:aws:states:…:stateMachine:pkgrelease-prod-release --json')
    .action(
      run(async (opts: CommonOptions & { failed?: boolean; since: string; json?: boolean }) => {
        const [{ operatorClients }, { resolveStateMachineArn }, { parseSince }, { collectStatus, renderStatusTable }] = await Promise.all([
          clientsModule(), targetModule(), import('../operator/since'), import('../operator/status'),
        ]);
        const clients = operatorClients(opts.region);
        const stateMachineArn = await resolveStateMachineArn(opts, clients.cfn);
        const report = await collectStatus(clients.sfn(), { stateMachineArn, since: parseSince(opts.since), failedOnly: opts.failed });
        console.log(opts.json ? JSON.stringify(report, null, 2) : renderStatusTable(report, process.stdout.columns ?? 160));
      }),
    );
}

function registerRedrive(program: Command): void {
  withTarget(program.command('redrive'))
    .description('redrive failed executions: each resumes at its failed state with its original input')
    .argument('[execution-arn]', 'one execution to redrive')
    .option('--all-failed', 'every FAILED or TIMED_OUT execution started since --since (ABORTED ones only by ARN)')
    .option('--since <when>', 'with --all-failed: how far back (90m, 24h, 7d, 2w or an ISO date)', '24h')
    .option('--concurrency <n>', 'redrives in flight at once', (v) => Math.max(1, Number.parseInt(v, 10) || 1), 4)
    .addHelpText(
      'after',
      '\nNot-redrivable executions (running, succeeded, older than 14 days, …) are skipped with the reason.\n' +
        'Safe to run again: each redrive uses a token per execution and redrive count.\nExit code 1 if any redrive failed.\n\n' +
        'Examples:\n  pkgrelease redrive arn:aws:states:eu-west-1:123456789012:execution:pkgrelease-prod-release:edge-agent-1.2.0-0123abcd\n' +
        '  pkgrelease redrive --all-failed --since 2d --stage prod',
    )
    .action(
      run(async (arn: string | undefined, opts: CommonOptions & { allFailed?: boolean; since: string; concurrency: number }) => {
        if (Boolean(arn) === Boolean(opts.allFailed)) throw new UsageError('give one execution ARN or --all-failed');
        const [{ operatorClients }, { resolveStateMachineArn }, { parseSince }, { redriveWithProgress }, { failedExecutionArns, redriveOne, summarise, summaryLine }] =
          await Promise.all([clientsModule(), targetModule(), import('../operator/since'), import('../operator/progress'), import('../operator/redrive')]);
        const clients = operatorClients(opts.region);
        let arns = arn ? [arn] : [];
        if (opts.allFailed) {
          const stateMachineArn = await resolveStateMachineArn(opts, clients.cfn);
          const since = parseSince(opts.since);
          arns = await failedExecutionArns(clients.sfn(), stateMachineArn, since);
          console.log(`${arns.length} failed or timed-out execution(s) since ${since.toISOString()}`);
        }
        const tty = Boolean(process.stdout.isTTY);
        const outcomes = await redriveWithProgress(arns, (a) => redriveOne(clients.sfn(), a), {
          tty,
          concurrency: opts.concurrency,
          write: (line) => console.log(line),
        });
        const summary = summarise(outcomes);
        console.log(summaryLine(summary));
        return summary.failed > 0 ? 1 : 0;
      }),
    );
}

function registerStart(program: Command): void {
  withTarget(program.command('start'))
    .description('start a release by hand, exactly as the S3 trigger would (same deterministic execution name)')
    .argument('[s3-uri]', 'the artifact: s3://<bucket>/releases/<package>/<version>/<file>')
    .option('--manifest <file>', 'a release manifest (schemas/release-manifest.v1.schema.json) or release request, JSON')
    .option('--version-id <id>', 'with an S3 URI: the object version to release (default: the current one, pinned now)')
    .addHelpText(
      'after',
      '\nThe artifact is pinned to one S3 object version before starting, so running this twice, or after\n' +
        'the trigger already did, reports "already started" (exit code 0).\n\nExamples:\n' +
        '  pkgrelease start s3://pkgrelease-prod-artifacts-123456789012-eu-west-1/releases/edge-agent/1.2.0/agent.zip --stage prod\n' +
        '  pkgrelease start --manifest release-manifest.json --stage prod',
    )
    .action(
      run(async (uri: string | undefined, opts: CommonOptions & { manifest?: string; versionId?: string }) => {
        if (Boolean(uri) === Boolean(opts.manifest)) throw new UsageError('give an S3 URI or --manifest <file>');
        if (opts.versionId && !uri) throw new UsageError('--version-id goes with an S3 URI; a manifest names artifact.versionId');
        const [{ operatorClients }, { resolveStateMachineArn }, { planFromManifest, planFromS3Uri, startPlanned }, { executionConsoleUrl }] = await Promise.all([
          clientsModule(), targetModule(), import('../operator/start'), import('../../lib/notifications/format'),
        ]);
        const clients = operatorClients(opts.region);
        const planned = uri
          ? await planFromS3Uri(clients.s3(), uri, opts.versionId)
          : await planFromManifest(clients.s3(), await readJson(opts.manifest!));
        const stateMachineArn = await resolveStateMachineArn(opts, clients.cfn);
        const result = await startPlanned(clients.sfn(), stateMachineArn, planned);
        const release = `${planned.input.packageName}@${planned.input.versionName}`;
        if (result.status === 'already-exists') {
          console.log(`already started: ${release} as ${planned.executionName} (ExecutionAlreadyExists: same artifact, same name)`);
        } else {
          console.log(`started ${release} as ${planned.executionName}\n${result.executionArn}\n${executionConsoleUrl(result.executionArn)}`);
        }
      }),
    );
}

function registerApproval(program: Command): void {
  const answer = (decision: Decision['decision']) =>
    run(async (execution: string, opts: CommonOptions & { comment?: string; reason?: string }) => {
      const [{ operatorClients }, { resolveStateMachineArn }, { answerApproval }, { executionConsoleUrl }] = await Promise.all([
        clientsModule(), targetModule(), import('../operator/approve'), import('../../lib/notifications/format'),
      ]);
      const clients = operatorClients(opts.region);
      // A bare execution name is looked up under the stage's state machine.
      const executionArn = execution.startsWith('arn:')
        ? execution
        : `${(await resolveStateMachineArn(opts, clients.cfn)).replace(':stateMachine:', ':execution:')}:${execution}`;
      await answerApproval(clients.sfn(), executionArn, decision === 'approved' ? { decision, comment: opts.comment } : { decision, reason: opts.reason! });
      console.log(`${decision}: ${executionArn}\n${executionConsoleUrl(executionArn)}`);
    });
  withTarget(program.command('approve'))
    .description('let a release that waits for approval (package with requireApproval) go on to Promote')
    .argument('<execution>', 'execution ARN, or its name with --stage / --state-machine-arn')
    .option('--comment <text>', 'recorded in the execution as the approval step\'s result')
    .addHelpText('after', '\nNeeds the ReleaseApproverPolicyArn stack output attached.\n\nExample:\n  pkgrelease approve edge-agent-1.2.0-0123abcd --stage prod')
    .action(answer('approved'));
  withTarget(program.command('reject'))
    .description('stop a release that waits for approval: it fails with ReleaseRejected before Promote')
    .argument('<execution>', 'execution ARN, or its name with --stage / --state-machine-arn')
    .requiredOption('--reason <text>', 'why: the cause the execution fails with')
    .addHelpText('after', '\nExample:\n  pkgrelease reject edge-agent-1.2.0-0123abcd --stage prod --reason "fails the soak test"')
    .action(answer('rejected'));
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${(e as Error).message}`);
  }
}

/** Action wrapper: errors become one line on stderr and exit code 1 (a returned number is the exit code). */
function run<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      const code = await fn(...args);
      if (code) process.exitCode = code;
    } catch (e) {
      console.error(`pkgrelease: ${explain(e)}`);
      process.exitCode = 1;
    }
  };
}

function explain(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  if (e instanceof UsageError || (!(e instanceof ReleaseError) && e.name === 'Error')) return e.message;
  if (e.name === 'ThrottlingException') return `${e.name}: ${e.message} (AWS kept throttling after the SDK's retries; try again shortly)`;
  if (e.name === 'CredentialsProviderError') return `${e.message} (configure AWS credentials, e.g. AWS_PROFILE)`;
  return `${e.name}: ${e.message}`;
}
