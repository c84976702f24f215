import type { IoTClient } from '@aws-sdk/client-iot';
import type { S3Client } from '@aws-sdk/client-s3';
import { associateSbom } from '../../clients/iot-sbom';
import { getPackageVersion, type PackageVersion } from '../../clients/iot';
import { InvalidRelease } from '../errors';
import { deriveSubToken } from '../identity';
import { budgetSpent } from '../run-budget';
import { SbomMissing, SbomNotArrived } from './errors';
import type { SbomPolicy } from './settings';
import { type PinnedSbom, pinSbom, type SbomRef } from './source';

export interface SbomDeps {
  iot: IoTClient;
  s3: S3Client;
  now?: () => number;
}

/** The release fields the SBOM steps read. */
export interface SbomRelease {
  packageName: string;
  versionName: string;
  artifact: { bucket: string };
  clientToken: string;
  sbom?: SbomRef;
}

/** The package's SBOM policy and wait budget, read from configuration when the step runs, and when this run started. */
export interface SbomRun {
  policy: SbomPolicy;
  waitMinutes: number;
  /** Epoch ms: the execution's start, or its latest redrive (each run waits afresh). */
  runStartedAt: number;
  /** Wall time per state-machine second (1 on AWS; the local engine's timeScale): the wait counts in the state machine's minutes. */
  timeScale?: number;
  /** For CheckSbom: what this release's AttachSbom found (`steps.attachSbom.outcome`). */
  attachOutcome?: AttachSbomResult['outcome'];
}

export const ATTACH_OUTCOMES = ['off', 'none', 'attached', 'already-attached', 'kept-existing'] as const;

export interface AttachSbomResult {
  policy: SbomPolicy;
  /**
   * off: the package ignores SBOMs; none: no SBOM (optional); attached / already-attached: this
   * SBOM object version is the version's; kept-existing: a released version keeps the SBOM it has.
   */
  outcome: (typeof ATTACH_OUTCOMES)[number];
  sbom?: PinnedSbom;
}

const where = (s: { bucket: string; key: string }) => `s3://${s.bucket}/${s.key}`;
export const outOfTime = (run: SbomRun, now: () => number) => budgetSpent(run.runStartedAt, run.waitMinutes, run.timeScale, now);

/**
 * AttachSbom: attaches the pinned S3 object version of the release's SBOM to its package
 * version, unless that very object version is attached already. A required SBOM that is not there
 * yet is SbomNotArrived (the state machine retries: the wait), SbomMissing once the budget is spent.
 */
export async function attachSbom(release: SbomRelease, run: SbomRun, deps: SbomDeps): Promise<AttachSbomResult> {
  if (run.policy === 'off') return { policy: run.policy, outcome: 'off' };
  const pinned = await pinSbom(deps.s3, release);
  if (!pinned) {
    // A released version (an identical re-upload) is past the gate: nothing to wait for.
    if (run.policy === 'optional' || (await versionOf(deps.iot, release)).status !== 'DRAFT') return { policy: run.policy, outcome: 'none' };
    const expected = where({ bucket: release.artifact.bucket, key: release.sbom?.key ?? `sboms/${release.packageName}/${release.versionName}/sbom.zip` });
    if (outOfTime(run, deps.now ?? Date.now)) {
      throw new SbomMissing(`${release.packageName}@${release.versionName} requires an SBOM and none arrived at ${expected} within ${run.waitMinutes} minutes; upload it (a zip of SPDX or CycloneDX JSON documents), then redrive the execution`);
    }
    throw new SbomNotArrived(`waiting for the SBOM of ${release.packageName}@${release.versionName} at ${expected}`);
  }
  const outcome = await attachIfNew(deps.iot, release, pinned, await versionOf(deps.iot, release));
  return { policy: run.policy, outcome, sbom: pinned };
}

/**
 * Converges by looking: the same bucket/key/S3 version already attached is left alone; a draft
 * takes the newest; a PUBLISHED or DEPRECATED version with another SBOM keeps it (replacing a
 * released version's SBOM is an operator's explicit action).
 */
export async function attachIfNew(iot: IoTClient, release: SbomRelease, pinned: PinnedSbom, version: PackageVersion): Promise<'attached' | 'already-attached' | 'kept-existing'> {
  const current = version.sbom?.s3Location;
  if (current && sameObject(current, pinned)) return 'already-attached';
  if (current && version.status !== 'DRAFT') return 'kept-existing';
  const token = deriveSubToken(release.clientToken, `sbom ${pinned.bucket}/${pinned.key}@${pinned.version}`);
  await associateSbom(iot, release.packageName, release.versionName, { bucket: pinned.bucket, key: pinned.key, version: pinned.version }, token);
  return 'attached';
}

export function sameObject(a: { bucket?: string; key?: string; version?: string }, b: { bucket: string; key: string; version: string }): boolean {
  return a.bucket === b.bucket && a.key === b.key && a.version === b.version;
}

export async function versionOf(iot: IoTClient, release: SbomRelease): Promise<PackageVersion> {
  const version = await getPackageVersion(iot, release.packageName, release.versionName);
  if (!version) throw new InvalidRelease(`package version ${release.packageName}@${release.versionName} no longer exists; start a new execution from the release request`, 'versionName');
  return version;
}
