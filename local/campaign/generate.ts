import { createHash } from 'node:crypto';
import type { RolloutSettings } from '../../lib/release/rollout/settings';
import type { DeviceGroupSpec, FaultRule } from '../twin';
import { devicesOf, rolloutOf } from './fleet';
import { deriveSeed, Prng } from '../twin/core/faults';
import { LOCAL_BUCKET } from '../session';
import { planRollbackWave, type RollbackWave } from './rollbacks';
import { CAMPAIGN_SBOM_WAIT_MINUTES, type PlannedSbom, planSboms } from './sboms';

/**
 * A seeded campaign of concurrent releases: many packages × versions uploaded overlapping and out of
 * order, duplicate events, identical re-uploads, different bytes under a released name, manifests
 * for releases S3 also starts, content OpenSearch rejects, faults on every kind of operation,
 * rollbacks racing releases (local/campaign/rollbacks.ts) and SBOMs early, late, invalid or missing
 * (local/campaign/sboms.ts).
 * The same options always generate the same plan; what the twin then interleaves varies from run
 * to run, which is the point: the invariants must hold for every interleaving.
 */
export interface CampaignOptions {
  seed: number;
  releases: number;
  packages: number;
  /** Inject throttling, 5xx, lost responses and latency on every operation kind, and slow imports. */
  faults: boolean;
  /** Uploads start within this window (ms). */
  spreadMs?: number;
  /** How many packages are rolled back after the first wave (local/campaign/rollbacks.ts); one in four unless told. */
  rollbacks?: number;
}

/** One upload and what the campaign expects of the release it starts. */
export interface PlannedUpload {
  key: string;
  content: string;
  startAtMs: number;
  duplicateEvents: number;
  packageName: string;
  versionName: string;
  /**
   * `valid`: must end SUCCEEDED; `identical`: same bytes again under a released name, must end
   * SUCCEEDED with no change; `conflicting`: other bytes under the same name — exactly one content
   * per name wins, the others fail with VersionConflict; `rejected`: OpenSearch refuses the bytes.
   */
  kind: 'valid' | 'identical' | 'conflicting' | 'rejected';
  /** Uploaded once every release of the first wave has ended (and been redriven). */
  secondWave?: boolean;
  /** Uploaded while the rollback wave runs (racing its rollbacks). */
  rollbackWave?: boolean;
}

export interface CampaignPlan {
  options: CampaignOptions;
  /** The `local run` scenario (config, OpenSearch packages, uploads, manifests, faults, timing). */
  scenario: {
    description: string;
    seed: number;
    packages: Record<string, { opensearchPackage: string; defaultVersionPolicy: 'if-newer'; rollout?: RolloutSettings; sbom?: 'required'; sbomWaitMinutes?: number }>;
    opensearchPackages: { name: string; type: 'TXT-DICTIONARY'; content: string }[];
    opensearchTiming: { copyingMs: number; validatingMs: number; associatingMs?: number };
    /** OpenSearch domains: two per OpenSearch package, each already running it. */
    domains: { name: string; packages: string[] }[];
    /** Simulated devices of the packages with a rollout (local/campaign/fleet.ts), and the same once fixed. */
    devices: DeviceGroupSpec[];
    fixedDevices?: DeviceGroupSpec[];
    faults: FaultRule[];
    uploads: { key: string; content: string; duplicateEvents: number; startAtMs: number }[];
    /** Played after the first wave has settled: re-uploads of released versions. */
    secondWave: { key: string; content: string; duplicateEvents: number; startAtMs: number }[];
    manifests: { executionName: string; startAtMs: number; manifest: unknown }[];
    /** Played when the first wave has ended, before its redrives: the corrected and the missing SBOMs (local/campaign/sboms.ts). */
    fixedSboms?: { key: string; content: string; duplicateEvents: number; startAtMs: number }[];
  };
  uploads: PlannedUpload[];
  /** Between the first wave and the second: rollbacks racing releases (local/campaign/rollbacks.ts). */
  rollbackWave?: RollbackWave;
  /** The SBOMs uploaded (their uploads are in the scenario's lists), and the packages that require one. */
  sboms?: PlannedSbom[];
  sbomRequired?: string[];
}

const MUTATING_AND_READ_OPERATIONS = [
  'iot:CreatePackage', 'iot:CreatePackageVersion', 'iot:GetPackageVersion', 'iot:UpdatePackageVersion', 'iot:UpdatePackage', 'iot:GetPackage', 'iot:ListPackageVersions',
  'es:DescribePackages', 'es:GetPackageVersionHistory', 'es:UpdatePackage', 's3:HeadObject', 's3:CopyObject',
  'es:AssociatePackage', 'es:ListDomainsForPackage', 'es:ListPackagesForDomain',
] as const;

export function generateCampaign(options: CampaignOptions): CampaignPlan {
  const prng = new Prng(deriveSeed(options.seed, 'campaign'));
  const pick = <T>(items: readonly T[]) => items[Math.floor(prng.next() * items.length)]!;
  const chance = (p: number) => prng.next() < p;
  const spread = options.spreadMs ?? Math.max(200, options.releases * 4);
  const packages = Array.from({ length: options.packages }, (_, i) => `pkg-${String(i + 1).padStart(3, '0')}`);

  const uploads: PlannedUpload[] = [];
  const words = (pkg: string, version: string, salt: string) => `${pkg} ${version} ${salt}\n${createHash('sha256').update(`${pkg}/${version}/${salt}`).digest('hex')}\n`;
  for (let r = 0; r < options.releases; r++) {
    const packageName = packages[r % packages.length]!;
    const n = Math.floor(r / packages.length);
    // 1.0.0, 1.1.0 … 1.9.0, 1.10.0 …: two-digit minors check semver order against string order.
    const versionName = `1.${n}.0`;
    const key = `releases/${packageName}/${versionName}/words.txt`;
    const at = () => Math.floor(prng.next() * spread);
    const rejected = options.faults && chance(0.03);
    const content = rejected ? `bad\u0000bytes ${packageName} ${versionName}\n` : words(packageName, versionName, 'v');
    uploads.push({ key, content, startAtMs: at(), duplicateEvents: chance(0.15) ? 2 + Math.floor(prng.next() * 2) : 1, packageName, versionName, kind: rejected ? 'rejected' : 'valid' });
    // Identical re-uploads: half race the first upload, half come in the second wave, after it ended.
    if (!rejected && chance(0.1)) uploads.push({ key, content, startAtMs: at(), duplicateEvents: 1, packageName, versionName, kind: 'identical', secondWave: chance(0.5) });
    if (!rejected && chance(0.03)) uploads.push({ key, content: words(packageName, versionName, 'other'), startAtMs: at(), duplicateEvents: 1, packageName, versionName, kind: 'conflicting' });
  }
  // A conflicting upload races the first: either may win the name, so both become "conflicting".
  for (const u of uploads.filter((x) => x.kind === 'conflicting')) {
    for (const other of uploads) if (other.key === u.key && other.kind !== 'rejected') other.kind = 'conflicting';
  }

  // CodePipeline-style manifests for some releases that S3 also starts (same artifact key, current version).
  const manifests = uploads
    .filter((u) => u.kind === 'valid' && chance(0.05))
    .map((u, i) => ({
      executionName: `codepipeline-${options.seed}-${i + 1}`,
      startAtMs: u.startAtMs + 50,
      manifest: { manifestVersion: 1, package: u.packageName, version: u.versionName, artifact: { bucket: LOCAL_BUCKET, key: u.key } },
    }));

  const faults: FaultRule[] = options.faults
    ? [
        ...MUTATING_AND_READ_OPERATIONS.map((operation) => ({ operation, kind: pick(['throttle', 'error5xx'] as const), probability: 0.03 })),
        { operation: 'iot:CreatePackageVersion', kind: 'lostResponse', probability: 0.03 },
        { operation: 'iot:UpdatePackageVersion', kind: 'lostResponse', probability: 0.03 },
        { operation: 'iot:UpdatePackage', kind: 'lostResponse', probability: 0.03 },
        { operation: 'es:UpdatePackage', kind: 'lostResponse', probability: 0.05 },
        { operation: 's3:CopyObject', kind: 'lostResponse', probability: 0.03 },
        { operation: 'es:UpdatePackage', kind: 'latency', probability: 0.2, latencyMs: 60 },
        { operation: 'es:*', kind: 'latency', probability: 0.05, latencyMs: 30 },
        // Domains: some associations end ASSOCIATION_FAILED; a redrive applies them again.
        { operation: 'es:AssociatePackage', kind: 'associationFailed', probability: 0.05 },
        { operation: 'es:AssociatePackage', kind: 'lostResponse', probability: 0.03 },
      ]
    : [];

  const rollbackWave = planRollbackWave(options, uploads.filter((u) => !u.secondWave), words);
  const firstAndSecond = [...uploads];
  // The packages rolled back hand versions to devices too: a staged rollout each.
  const withRollout = new Set(rollbackWave.rollbacks.map((r) => r.packageName));
  // SBOMs for some of the others: required, optional, before, after, invalid, missing (local/campaign/sboms.ts).
  const sboms = planSboms(options, packages, withRollout, firstAndSecond.filter((u) => !u.secondWave));
  const settingsOf = (p: string) => ({
    opensearchPackage: `${p}-dict`,
    defaultVersionPolicy: 'if-newer' as const,
    ...(withRollout.has(p) && { rollout: rolloutOf(p) }),
    ...(sboms.required.includes(p) && { sbom: 'required' as const, sbomWaitMinutes: CAMPAIGN_SBOM_WAIT_MINUTES }),
  });
  uploads.push(...rollbackWave.uploads.map((u) => ({ ...u, secondWave: false, rollbackWave: true })));
  return {
    options,
    uploads,
    rollbackWave,
    sboms: sboms.sboms,
    sbomRequired: sboms.required,
    scenario: {
      description: `campaign seed ${options.seed}: ${options.releases} releases over ${options.packages} packages${options.faults ? ', with faults' : ''}`,
      seed: options.seed,
      packages: Object.fromEntries(packages.map((p) => [p, settingsOf(p)])),
      opensearchPackages: packages.map((p) => ({ name: `${p}-dict`, type: 'TXT-DICTIONARY' as const, content: 'initial\n' })),
      opensearchTiming: options.faults ? { copyingMs: 40, validatingMs: 40, associatingMs: 40 } : { copyingMs: 5, validatingMs: 5, associatingMs: 5 },
      domains: packages.flatMap((p) => ['a', 'b'].map((d) => ({ name: `${p}-search-${d}`, packages: [`${p}-dict`] }))),
      // With faults, the first wave's canary (every other package) or fleet devices fail some jobs; they are fixed before the redrives.
      devices: [...withRollout].flatMap((p, i) => devicesOf(p, options.faults ? (i % 2 ? 'canary' : 'fleet') : undefined)),
      fixedDevices: [...withRollout].flatMap((p) => devicesOf(p)),
      faults: [...faults, ...sboms.faults],
      uploads: scenarioUploads([...firstAndSecond.filter((u) => !u.secondWave), ...sboms.uploads]),
      secondWave: scenarioUploads([...firstAndSecond.filter((u) => u.secondWave), ...sboms.secondWave]),
      manifests,
      fixedSboms: scenarioUploads(sboms.fixes),
    },
  };
}

function scenarioUploads(uploads: Pick<PlannedUpload, 'key' | 'content' | 'duplicateEvents' | 'startAtMs'>[]): CampaignPlan['scenario']['uploads'] {
  return [...uploads].sort((a, b) => a.startAtMs - b.startAtMs).map(({ key, content, duplicateEvents, startAtMs }) => ({ key, content, duplicateEvents, startAtMs }));
}
