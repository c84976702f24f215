/**
 * The `rollout` setting: the same schema at packaging (config/to-env.cjs) and in every Lambda
 * (PACKAGES_CONFIG), a named error for each mistake, and what the job of a stage looks like.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePackagesConfig } from '../../lib/release/config';
import { createJobInput, stageJobId } from '../../lib/release/rollout/job';
import { checkRolloutFits } from '../../lib/release/rollout/fit';
import { type RolloutSettings, RolloutSettingsSchema } from '../../lib/release/rollout/settings';
import type { ReleaseRequest } from '../../lib/release/request';

const require = createRequire(import.meta.url);
const toEnv = require('../../config/to-env.cjs') as { packagesConfig(file: string): string };

const dir = mkdtempSync(join(tmpdir(), 'pkgrelease-rollout-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const packaging = (config: unknown) => {
  const file = join(dir, `packages-${n++}.json`);
  writeFileSync(file, JSON.stringify(config));
  return toEnv.packagesConfig(file);
};

const ROLLOUT: RolloutSettings = {
  stages: [
    { name: 'canary', targets: ['canary'], abort: [{ failureType: 'FAILED', thresholdPercentage: 20, minNumberOfExecutedThings: 10 }], approveBeforeNext: true },
    { name: 'fleet', targets: ['arn:aws:iot:eu-west-1:123456789012:thinggroup/fleet'], rate: { maximumPerMinute: 100 }, minSuccessPercent: 95, inProgressTimeoutMinutes: 30 },
  ],
  jobDocument: { recipe: true },
};
const withRollout = (rollout: unknown) => ({ packages: { 'edge-agent': { rollout } } });

describe('rollout configuration', () => {
  it('is off by default, and a valid rollout survives packaging and the runtime parser unchanged', () => {
    expect(parsePackagesConfig(JSON.stringify({ packages: { a: {} } })).packages.a?.rollout).toBeUndefined();
    expect(parsePackagesConfig(packaging(withRollout(ROLLOUT))).packages['edge-agent']?.rollout).toEqual(ROLLOUT);
  });

  it.each([
    ['no stages', { ...ROLLOUT, stages: [] }, 'stages'],
    ['a stage name that cannot be part of a job id', { ...ROLLOUT, stages: [{ name: 'can ary', targets: ['g'] }] }, 'stages.0.name'],
    ['two stages of one name', { ...ROLLOUT, stages: [ROLLOUT.stages[0], { ...ROLLOUT.stages[1], name: 'canary' }] }, 'stages.1.name'],
    ['a target that is neither a group name nor a group ARN', { ...ROLLOUT, stages: [{ name: 'a', targets: ['arn:aws:iot:eu-west-1:123456789012:thing/x'] }] }, 'stages.0.targets.0'],
    ['no targets', { ...ROLLOUT, stages: [{ name: 'a', targets: [] }] }, 'stages.0.targets'],
    ['an abort threshold over 100 %', { ...ROLLOUT, stages: [{ name: 'a', targets: ['g'], abort: [{ failureType: 'FAILED', thresholdPercentage: 120, minNumberOfExecutedThings: 1 }] }] }, 'stages.0.abort.0.thresholdPercentage'],
    ['an unknown failure type', { ...ROLLOUT, stages: [{ name: 'a', targets: ['g'], abort: [{ failureType: 'BROKEN', thresholdPercentage: 10, minNumberOfExecutedThings: 1 }] }] }, 'stages.0.abort.0.failureType'],
    ['a rate above IoT Jobs’ 1000 a minute', { ...ROLLOUT, stages: [{ name: 'a', targets: ['g'], rate: { maximumPerMinute: 5000 } }] }, 'stages.0.rate'],
    ['stage timeouts longer than one execution can watch', { ...ROLLOUT, stages: [{ name: 'a', targets: ['g'], timeoutMinutes: 60 }, { name: 'b', targets: ['g'], timeoutMinutes: 60 }] }, 'stages'],
    ['no job document', { stages: ROLLOUT.stages }, 'jobDocument'],
    ['a job template that is not a job template ARN', { ...ROLLOUT, jobDocument: { jobTemplateArn: 'arn:aws:iot:eu-west-1:123456789012:job/x' } }, 'jobDocument'],
    ['a presigned-URL placeholder without the role', { ...ROLLOUT, jobDocument: { document: { url: '${aws:iot:package:edge-agent:version:1.0:artifact:s3-presigned-url}' } } }, 'presignedUrlRoleArn'],
    ['a presigned-URL role that is not a role ARN', { ...ROLLOUT, presignedUrlRoleArn: 'arn:aws:iam::123456789012:user/me' }, 'presignedUrlRoleArn'],
    ['an unknown setting', { ...ROLLOUT, canary: true }, ''],
  ])('refuses %s: RolloutConfigInvalid at run time, naming the setting; packaging fails with it', (_, rollout, path) => {
    const text = JSON.stringify(withRollout(rollout));
    let error: Error | undefined;
    try {
      parsePackagesConfig(text);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('RolloutConfigInvalid');
    expect(error?.message).toContain(`packages.edge-agent.rollout${path ? `.${path}` : ''}`);
    expect(error?.message).toContain('fix config/packages.json');
    expect(() => packaging(withRollout(rollout))).toThrow(/rollout/);
  });

  it('a mistake elsewhere in a package is still InvalidRelease', () => {
    expect(() => parsePackagesConfig(JSON.stringify({ packages: { a: { requireApproval: 1 } } }))).toThrow(expect.objectContaining({ name: 'InvalidRelease' }));
  });

  it('a recipe rollout for a release without a recipe: RolloutConfigInvalid in Prepare, saying what to give', () => {
    const release = { packageName: 'edge-agent', versionName: '1.0.0' };
    expect(() => checkRolloutFits(release, ROLLOUT)).toThrow(expect.objectContaining({ name: 'RolloutConfigInvalid', message: expect.stringContaining('"recipe" in the release manifest') }));
    expect(() => checkRolloutFits({ ...release, recipe: '{}' }, ROLLOUT)).not.toThrow();
    expect(() => checkRolloutFits(release, { ...ROLLOUT, jobDocument: { document: {} } })).not.toThrow();
    expect(() => checkRolloutFits(release, undefined)).not.toThrow();
  });

  it('accepts an exponential rate and a maintenance window', () => {
    const stage = { name: 'a', targets: ['g'], rate: { exponential: { baseRatePerMinute: 10, incrementFactor: 2, rateIncreaseCriteria: { numberOfSucceededThings: 20 } } }, maintenanceWindow: { startTime: 'cron(0 22 * * ? *)', durationInMinutes: 120 } };
    expect(RolloutSettingsSchema.safeParse({ ...ROLLOUT, stages: [stage] }).success).toBe(true);
  });
});

const RELEASE = { packageName: 'edge-agent', versionName: '1.4.0', clientToken: 'a'.repeat(64), recipe: '{"version":"1.0"}' } as ReleaseRequest;
const VERSION_ARN = 'arn:aws:iot:eu-west-1:123456789012:package/edge-agent/version/1.4.0';

describe('a stage job', () => {
  it('has a deterministic id per release, stage and attempt, within IoT’s 64 characters of [a-zA-Z0-9_-]', () => {
    const id = stageJobId(RELEASE, 'canary', 0);
    expect(id).toBe(stageJobId({ ...RELEASE }, 'canary', 0));
    expect(id).toMatch(/^edge-agent-1_4_0-canary-[0-9a-f]{10}$/);
    expect(stageJobId(RELEASE, 'canary', 2)).toBe(`${id}-a2`);
    expect(stageJobId(RELEASE, 'fleet', 0)).not.toBe(id);
    expect(stageJobId({ ...RELEASE, clientToken: 'b'.repeat(64) }, 'canary', 0)).not.toBe(id);
    const long = stageJobId({ ...RELEASE, packageName: 'p'.repeat(128), versionName: 'v'.repeat(64) }, 'abcdefghijklmnop', 12);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^[a-zA-Z0-9_-]+-abcdefghijklmnop-[0-9a-f]{10}-a12$/);
  });

  it('targets the stage’s groups as ARNs, deploys this version, with the configured abort, rate and timeout', () => {
    const settings = { ...ROLLOUT, presignedUrlRoleArn: 'arn:aws:iam::123456789012:role/presign' };
    const canary = createJobInput({ release: RELEASE, versionArn: VERSION_ARN, settings, stage: ROLLOUT.stages[0]!, jobId: 'j1' });
    expect(canary).toMatchObject({
      jobId: 'j1',
      targets: ['arn:aws:iot:eu-west-1:123456789012:thinggroup/canary'],
      document: RELEASE.recipe,
      destinationPackageVersions: [VERSION_ARN],
      targetSelection: 'SNAPSHOT',
      presignedUrlConfig: { roleArn: 'arn:aws:iam::123456789012:role/presign', expiresInSec: 3600 },
      abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 20, minNumberOfExecutedThings: 10 }] },
    });
    const fleet = createJobInput({ release: RELEASE, versionArn: VERSION_ARN, settings: { ...ROLLOUT, jobDocument: { jobTemplateArn: 'arn:aws:iot:eu-west-1:123456789012:jobtemplate/install' } }, stage: ROLLOUT.stages[1]!, jobId: 'j2' });
    expect(fleet).toMatchObject({ targets: [ROLLOUT.stages[1]!.targets[0]], jobTemplateArn: 'arn:aws:iot:eu-west-1:123456789012:jobtemplate/install', jobExecutionsRolloutConfig: { maximumPerMinute: 100 }, timeoutConfig: { inProgressTimeoutInMinutes: 30 } });
    expect(fleet.document).toBeUndefined();
    expect(fleet.abortConfig).toBeUndefined();
  });
});
