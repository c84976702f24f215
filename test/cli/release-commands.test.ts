import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../lib/operations/status';
import { LocalSession, type LocalReport } from '../../local/session';
import { pkgrelease, ROOT, removeTempDirs, type RunningServe, startServe, tempDir } from './helpers';

/**
 * Redrive only what a redrive can fix, and the commands release engineers reach for (validate,
 * local invoke, logs, start/redrive --dry-run), each driven as a subprocess. The state dir holds
 * three failures: InvalidRelease (needs a new release) and two TransientAwsError (redrivable).
 */
let stateDir: string;
const names = { invalid: '', transientA: '', transientB: '' };

beforeAll(async () => {
  stateDir = tempDir();
  const session = await LocalSession.start({
    config: { packages: { 'edge-agent': {} } },
    stateDir,
    faults: [{ operation: 'iot:UpdatePackageVersion', kind: 'error5xx', times: 1000 }],
  });
  await session.createOpenSearchPackage('edge-agent', 'TXT-DICTIONARY', 'x\n');
  // Prepare refuses a recipe the package does not allow: InvalidRelease, a failure of the input.
  await session.upload('releases/edge-agent/0.9.0/words.txt', 'alpha\n', { metadata: { recipe: '{"steps":[]}' } });
  await session.upload('releases/edge-agent/1.0.0/words.txt', 'alpha\n');
  await session.upload('releases/edge-agent/1.1.0/words.txt', 'beta\n');
  await session.close();
  const byVersion = (v: string) => session.engine.list().find((e) => (e.input as { versionName: string }).versionName === v)!;
  expect(byVersion('0.9.0')).toMatchObject({ status: 'FAILED', error: 'InvalidRelease' });
  expect(byVersion('1.0.0')).toMatchObject({ status: 'FAILED', error: 'TransientAwsError' });
  names.invalid = byVersion('0.9.0').name;
  names.transientA = byVersion('1.0.0').name;
  names.transientB = byVersion('1.1.0').name;
});
afterAll(removeTempDirs);

describe('local commands on a state dir with failures', () => {
  it('local state is a report: exit 0 with failed executions, and it shows the calls of earlier commands', async () => {
    const r = await pkgrelease(['local', 'state', '--state-dir', stateDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/FAILED\s+edge-agent-0\.9\.0-/);
    expect(r.stdout).toMatch(/iot:UpdatePackageVersion\s+0\/\d+/);
    expect(r.stdout).toMatch(/iot:CreatePackageVersion\s+2\/\d+/);
  });

  it('local redrive refuses an InvalidRelease failure with the reason, and redrives a transient one', async () => {
    const refused = await pkgrelease(['local', 'redrive', names.invalid, '--state-dir', stateDir]);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toBe(
      `pkgrelease: not redriving ${names.invalid}: it failed with InvalidRelease, which a redrive cannot fix (it re-runs the same input): fix the input and upload a new release (a redrive re-runs the same input)\n`,
    );
    const redriven = await pkgrelease(['local', 'redrive', names.transientA, '--state-dir', stateDir, '--json']);
    expect(redriven.code).toBe(0);
    expect((JSON.parse(redriven.stdout) as LocalReport).executions).toEqual([expect.objectContaining({ name: names.transientA, status: 'SUCCEEDED', redriveCount: 1 })]);
  });

  it('local logs shows the events with the failed step\'s error, cause and what to do next', async () => {
    const r = await pkgrelease(['local', 'logs', names.invalid, '--state-dir', stateDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/TaskStateEntered\s+Prepare/);
    expect(r.stdout).toMatch(/ExecutionFailed\n\s+error: InvalidRelease\n\s+cause: .*x-amz-meta-recipe is not allowed.*\n\s+next:\s+fix the input and upload a new release/);
  });
});

describe('operator commands against a running serve (the twin\'s Step Functions API)', () => {
  let serve: RunningServe;
  let env: Record<string, string>;
  let machine: string;
  const arnOf = (name: string) => `${machine.replace(':stateMachine:', ':execution:')}:${name}`;
  beforeAll(async () => {
    serve = await startServe(stateDir);
    machine = serve.info.stateMachineArn;
    // No region in the environment: it must come from the ARN.
    env = { ...serve.info.env, AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '' };
  });
  afterAll(() => serve.stop());

  it('status takes the region from the ARN, and says "new release" for what a redrive cannot fix', async () => {
    const [r, jsonRun] = await Promise.all([
      pkgrelease(['status', '--state-machine-arn', machine, '--failed'], { env }),
      pkgrelease(['status', '--state-machine-arn', machine, '--failed', '--json'], { env }),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/FAILED\s+edge-agent@0\.9\.0\s+Prepare\s+InvalidRelease\s+NO: NEW RELEASE/);
    expect(r.stdout).toContain('  next: fix the input and upload a new release');
    expect(r.stdout).toMatch(/FAILED\s+edge-agent@1\.1\.0\s+Promote\s+TransientAwsError\s+REDRIVABLE/);
    const json = JSON.parse(jsonRun.stdout) as StatusReport;
    expect(json.executions.find((e) => e.error === 'InvalidRelease')!.nextAction).toMatch(/^fix the input/);
  });

  it('redrive --all-failed --dry-run skips what a redrive cannot fix, says why, and redrives nothing', async () => {
    const r = await pkgrelease(['redrive', '--all-failed', '--dry-run', '--state-machine-arn', machine], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`skipped\\s+${names.invalid.replace(/[.+]/g, '\\$&')}\\s+failed with InvalidRelease, which a redrive cannot fix`));
    expect(r.stdout).toMatch(new RegExp(`planned\\s+${names.transientB.replace(/[.+]/g, '\\$&')}\\s+would redrive #1`));
    expect(r.stdout).toContain('1 would be redriven (dry run), 0 redriven, 1 skipped, 0 failed');
    const state = JSON.parse((await pkgrelease(['local', 'state', '--state-dir', stateDir, '--json'])).stdout) as LocalReport;
    expect(state.executions.find((e) => e.name === names.transientB)).toMatchObject({ status: 'FAILED', redriveCount: 0 });
  });

  it('local redrive through the serve: refuses InvalidRelease, redrives a transient failure via RedriveExecution', async () => {
    // Through the serve, commands on one state dir do not take turns: the refusal runs alongside.
    const [refused, r] = await Promise.all([
      pkgrelease(['local', 'redrive', names.invalid, '--state-dir', stateDir]),
      pkgrelease(['local', 'redrive', names.transientB, '--state-dir', stateDir, '--json']),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^pkgrelease: not redriving .*: it failed with InvalidRelease/);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as LocalReport).executions).toEqual([expect.objectContaining({ name: names.transientB, status: 'SUCCEEDED', redriveCount: 1 })]);
    expect(serve.output()).toContain(`${names.transientB}: SUCCEEDED`);
    const logs = await pkgrelease(['local', 'logs', names.transientB, '--state-dir', stateDir]);
    expect(logs.stdout).toMatch(/ExecutionSucceeded/);
  });

  // From here on, the tests only read (or, for local invoke, run one handler outside any execution):
  // they run concurrently.
  it.concurrent('--profile is used as the AWS CLI uses it (a missing profile fails even with keys in the environment)', async () => {
    const [r, withKeys] = await Promise.all([
      pkgrelease(['status', '--state-machine-arn', machine, '--profile', 'no-such-profile'], { env: { ...env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' } }),
      pkgrelease(['status', '--state-machine-arn', machine], { env }),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/pkgrelease: .*credentials.*--profile/);
    expect(withKeys.code).toBe(0);
  });

  it.concurrent('logs <execution-arn> reads GetExecutionHistory: error, cause and next step', async () => {
    const [r, bad] = await Promise.all([pkgrelease(['logs', arnOf(names.invalid)], { env }), pkgrelease(['logs', 'not-an-arn'], { env })]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ExecutionFailed\n\s+error: InvalidRelease/);
    expect(bad.code).toBe(2);
  });

  it.concurrent('start --dry-run prints the execution it would start and starts nothing', async () => {
    const r = await pkgrelease(['start', `s3://${serve.info.bucket}/releases/edge-agent/1.0.0/words.txt`, '--dry-run', '--state-machine-arn', machine], { env });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`would start edge-agent@1.0.0 as ${names.transientA} on ${machine} (dry run: nothing started)`);
  });

  it.concurrent('validate checks a file or an S3 object as Prepare will: exit 0 when it would pass, 1 with the reason when not', async () => {
    const zip = join(ROOT, 'examples/edge-plugin-1.0.0.zip');
    const [noRegion, ok, zipOk, wrongType, badVersion] = await Promise.all([
      pkgrelease(['validate', `s3://${serve.info.bucket}/releases/edge-agent/1.0.0/words.txt`], { env }),
      pkgrelease(['validate', `s3://${serve.info.bucket}/releases/edge-agent/1.0.0/words.txt`, '--region', 'us-east-1'], { env }),
      pkgrelease(['validate', zip, '--package', 'edge-agent', '--version', '1.2.0', '--type', 'ZIP-PLUGIN']),
      pkgrelease(['validate', zip, '--package', 'edge-agent', '--version', '1.2.0', '--type', 'TXT-DICTIONARY']),
      pkgrelease(['validate', zip, '--package', 'edge-agent', '--version', '1.2.0 beta']),
    ]);
    expect(noRegion.stderr).toBe('pkgrelease: no AWS region: pass --region, set AWS_REGION, or use a profile with a region\n');
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/^ok: s3:\/\/.*releases edge-agent@1\.0\.0 \(6 bytes\) into OpenSearch package edge-agent/);
    expect(zipOk.code).toBe(0);
    expect(wrongType.code).toBe(1);
    expect(wrongType.stderr).toMatch(/^pkgrelease: InvalidRelease: opensearchType: edge-plugin-1\.0\.0\.zip is a \.zip; a TXT-DICTIONARY package takes a text file/);
    expect(badVersion.code).toBe(1);
    expect(badVersion.stderr).toMatch(/versionName/);
  });

  it.concurrent('local invoke runs one handler with a sample event against the serve\'s twin', async () => {
    const event = join(tempDir(), 'event.json');
    writeFileSync(event, JSON.stringify({ input: { packageName: 'edge-agent', versionName: '1.0.0', artifact: { bucket: serve.info.bucket, key: 'releases/edge-agent/1.0.0/words.txt' } } }));
    const [r, failing] = await Promise.all([
      pkgrelease(['local', 'invoke', 'prepare', '--event', event, '--state-dir', stateDir]),
      pkgrelease(['local', 'invoke', 'prepare', '--event', event.replace('event.json', 'none.json'), '--state-dir', stateDir]),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ packageName: 'edge-agent', versionName: '1.0.0', opensearch: { packageName: 'edge-agent' }, clientToken: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(failing.code).toBe(2);
  });
});
