import { readFile } from 'node:fs/promises';
import { executionConsoleUrl } from '../../lib/notifications/format';
import { CliFailure, UsageError } from '../errors';
import { answerApproval, type Decision } from '../../lib/operations/approval';
import { runDoctor } from '../../lib/operations/doctor';
import { fleetReport, renderFleet } from '../../lib/operations/fleet';
import { executionHistory } from '../../lib/operations/history';
import { failedExecutionArns, redriveOne, summarise } from '../../lib/operations/redrive';
import { parseS3Uri, planFromManifest, planFromS3Uri, startPlanned } from '../../lib/operations/start';
import { attachByOperator, sbomReport } from '../../lib/operations/sbom';
import { collectStatus } from '../../lib/operations/status';
import { planRollback, previewRollback, renderPreview, requestedByDefault, startRollback } from '../../lib/operations/rollback';
import { rollbackMachineArn } from '../../lib/release/rollback/machine';
import { configSource, readConfig } from '../local/config';
import { operatorClients } from './clients';
import { printDoctor } from './doctor';
import { renderHistory } from './logs';
import { redriveWithProgress, summaryLine } from './progress';
import { parseSince } from './since';
import { renderSbomReport } from './sbom';
import { renderStatusTable } from './status';
import { resolveStateMachineArn, stackNameFor, type TargetOptions } from './target';

/** The operator commands' behaviour; `cli/commands/operator.ts` only declares their options. */
export interface CommonOptions extends TargetOptions {
  region?: string;
  profile?: string;
}

const clientsFor = (opts: CommonOptions, arn?: string) => operatorClients({ region: opts.region, profile: opts.profile, arn: arn ?? opts.stateMachineArn });

export async function status(opts: CommonOptions & { failed?: boolean; since: string; json?: boolean }): Promise<void> {
  const since = parseSince(opts.since);
  const clients = clientsFor(opts);
  const stateMachineArn = await resolveStateMachineArn(opts, clients.cfn);
  const report = await collectStatus(clients.sfn(), { stateMachineArn, since, failedOnly: opts.failed });
  console.log(opts.json ? JSON.stringify(report, null, 2) : renderStatusTable(report, process.stdout.columns ?? 160));
}

export async function redrive(arn: string | undefined, opts: CommonOptions & { allFailed?: boolean; since: string; concurrency: number; dryRun?: boolean }): Promise<number> {
  if (Boolean(arn) === Boolean(opts.allFailed)) throw new UsageError('give one execution ARN or --all-failed');
  const clients = clientsFor(opts, arn);
  let arns = arn ? [arn] : [];
  if (opts.allFailed) {
    const stateMachineArn = await resolveStateMachineArn(opts, clients.cfn);
    const since = parseSince(opts.since);
    arns = await failedExecutionArns(clients.sfn(), stateMachineArn, since);
    console.log(`${arns.length} failed or timed-out execution(s) since ${since.toISOString()}`);
  }
  const outcomes = await redriveWithProgress(arns, (a) => redriveOne(clients.sfn(), a, { dryRun: opts.dryRun }), {
    tty: Boolean(process.stdout.isTTY),
    concurrency: opts.concurrency,
    write: (line) => console.log(line),
  });
  const summary = summarise(outcomes);
  console.log(summaryLine(summary));
  return summary.failed > 0 ? 1 : 0;
}

export async function start(uri: string | undefined, opts: CommonOptions & { manifest?: string; versionId?: string; dryRun?: boolean }): Promise<void> {
  if (Boolean(uri) === Boolean(opts.manifest)) throw new UsageError('give an S3 URI or --manifest <file>');
  if (opts.versionId && !uri) throw new UsageError('--version-id goes with an S3 URI; a manifest names artifact.versionId');
  const clients = clientsFor(opts);
  const planned = uri ? await planFromS3Uri(clients.s3(), uri, opts.versionId) : await planFromManifest(clients.s3(), await readJson(opts.manifest!));
  const stateMachineArn = await resolveStateMachineArn(opts, clients.cfn);
  const release = `${planned.input.packageName}@${planned.input.versionName}`;
  if (opts.dryRun) {
    console.log(`would start ${release} as ${planned.executionName} on ${stateMachineArn} (dry run: nothing started), input:\n${JSON.stringify(planned.input, null, 2)}`);
    return;
  }
  const result = await startPlanned(clients.sfn(), stateMachineArn, planned);
  if (result.status === 'already-exists') {
    console.log(`already started: ${release} as ${planned.executionName} (ExecutionAlreadyExists: same artifact, same name)`);
  } else {
    console.log(`started ${release} as ${planned.executionName}\n${result.executionArn}\n${executionConsoleUrl(result.executionArn)}`);
  }
}

export async function logs(arn: string, opts: CommonOptions & { json?: boolean }): Promise<void> {
  if (!arn.startsWith('arn:')) throw new UsageError(`"${arn}" is not an execution ARN (arn:aws:states:<region>:<account>:execution:<machine>:<name>); for a local execution use "pkgrelease local logs <name>"`);
  const events = await executionHistory(clientsFor(opts, arn).sfn(), arn);
  console.log(opts.json ? JSON.stringify({ events }, null, 2) : renderHistory(events as never));
}

/** `approve` / `reject`: answers the release's approval task. A bare name is looked up under the state machine. */
export async function answer(decision: Decision['decision'], execution: string, opts: CommonOptions & { comment?: string; reason?: string }): Promise<void> {
  const clients = clientsFor(opts, execution.startsWith('arn:') ? execution : undefined);
  const executionArn = execution.startsWith('arn:')
    ? execution
    : `${(await resolveStateMachineArn(opts, clients.cfn)).replace(':stateMachine:', ':execution:')}:${execution}`;
  await answerApproval(clients.sfn(), executionArn, decision === 'approved' ? { decision, comment: opts.comment } : { decision, reason: opts.reason! });
  console.log(`${decision}: ${executionArn}\n${executionConsoleUrl(executionArn)}`);
}

/** `doctor`: the stack (by --stage / --stack-name), fleet indexing and the configured OpenSearch side. */
export async function doctor(opts: CommonOptions & { config?: string; fixIndexing?: boolean; json?: boolean }): Promise<number> {
  const stackName = opts.stackName ?? (opts.stage ? stackNameFor(opts.stage) : undefined);
  if (!stackName) throw new UsageError('say which stack: --stage <stage> (the stack pkgrelease-<stage>) or --stack-name <name>');
  const source = configSource('.', opts.config);
  if (source.extendable) throw new UsageError('no config/packages.json here: run in the project, or pass --config <file> (the packages whose OpenSearch side to check)');
  const config = readConfig(source);
  const c = clientsFor(opts);
  const where = [opts.stage ? `--stage ${opts.stage}` : `--stack-name ${stackName}`, opts.region && `--region ${opts.region}`, opts.profile && `--profile ${opts.profile}`].filter(Boolean).join(' ');
  const report = await runDoctor(
    { iot: c.iot(), s3: c.s3(), sfn: c.sfn(), dynamodb: c.dynamodb(), opensearch: c.opensearch(), cfn: c.cfn() },
    { target: { stackName }, config, fixIndexing: opts.fixIndexing, fixCommand: `pkgrelease doctor ${where} --fix-indexing` },
  );
  return printDoctor(report, opts.json);
}

/** `fleet <package>`: the version spread from the fleet index, and the rollout jobs in progress. */
export async function fleet(packageName: string, opts: CommonOptions & { group?: string; json?: boolean }): Promise<void> {
  const report = await fleetReport(clientsFor(opts).iot(), packageName, { group: opts.group });
  console.log(opts.json ? JSON.stringify(report, null, 2) : renderFleet(report));
/** `sbom <package> <version>`: the version's SBOM and each file's validation result. Exit code 1 when it FAILED. */
}

export async function sbom(packageName: string, versionName: string, opts: CommonOptions & { json?: boolean; attach?: string; versionId?: string; replace?: boolean }): Promise<number> {
  const clients = clientsFor(opts);
  if ((opts.versionId || opts.replace) && !opts.attach) throw new UsageError('--version-id and --replace go with --attach s3://<bucket>/sboms/<key>');
  if (opts.attach) {
    const { bucket, key } = parseS3Uri(opts.attach);
    const done = await attachByOperator({ iot: clients.iot(), s3: clients.s3() }, { packageName, versionName, bucket, key, versionId: opts.versionId, replace: opts.replace });
    // With --json, stdout holds the one JSON document.
    (opts.json ? console.error : console.log)(`${done.outcome}: s3://${done.sbom.bucket}/${done.sbom.key} (S3 version ${done.sbom.version}) to ${packageName}@${versionName}; AWS IoT validates it now`);
  }
  const report = await sbomReport(clients.iot(), packageName, versionName);
  if (!report) throw new CliFailure(`package version ${packageName}@${versionName} does not exist in this account and region (check --region / --profile)`);
  console.log(opts.json ? JSON.stringify(report, null, 2) : renderSbomReport(report));
  return report.validation === 'FAILED' ? 1 : 0;
}

/** `rollback <package> --to <version>`: starts the rollback state machine, or (--dry-run) prints what it would change. */
export async function rollback(packageName: string, opts: CommonOptions & { to: string; reason?: string; by?: string; token?: string; config?: string; dryRun?: boolean }): Promise<void> {
  const clients = clientsFor(opts);
  const ask = { packageName, targetVersion: opts.to, requestedBy: opts.by ?? requestedByDefault(), reason: opts.reason, rollbackToken: opts.token };
  const planned = await planRollback(ask, { iot: clients.iot(), s3: clients.s3() });
  if (opts.dryRun) {
    const source = configSource('.', opts.config);
    if (source.extendable) throw new UsageError('--dry-run reads the package configuration (domains, rollout): run in the project, or pass --config <file>');
    console.log(renderPreview(planned, await previewRollback(planned, readConfig(source), { iot: clients.iot(), opensearch: clients.opensearch() })));
    return;
  }
  const machine = rollbackMachineArn(await resolveStateMachineArn(opts, clients.cfn));
  const result = await startRollback(clients.sfn(), machine, planned);
  const what = `rollback of ${packageName} from ${planned.plan.head} to ${opts.to}`;
  if (result.status === 'already-exists') console.log(`already started: ${what} as ${planned.executionName} (the same rollback token)`);
  else console.log(`started ${what} as ${planned.executionName}\n${result.executionArn}\n${executionConsoleUrl(result.executionArn)}`);
}

export async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${(e as Error).message}`);
  }
}
