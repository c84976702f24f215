import { parseCommitMessage } from '../../lib/release/identity';
import { conventionalSbomKey } from '../../lib/release/sbom/settings';
import { type ExecutionRecord, preparedVersionOf } from '../engine/executions';
import type { LocalSession } from '../session';
import type { FaultRule, TwinCatalog } from '../twin';
import { deriveSeed, Prng } from '../twin/core/faults';
import type { CampaignOptions, PlannedUpload } from './generate';

/**
 * SBOMs in the campaign (docs/sbom.md "In the campaign"). One package in three of those not rolled
 * back requires an SBOM, one in three has optional ones, the rest none. Per version of a package
 * that requires one, the SBOM arrives before its artifact, after it (while the release waits),
 * invalid (then corrected), or not at all (then uploaded): the gate must hold until the fix, and the
 * redrive must then release exactly the corrected SBOM. Of the optional packages, some versions get
 * an invalid SBOM (reported, not a gate), one uploaded after their release ended, or one uploaded
 * the moment their release's CheckSbom has looked and before it publishes (the window only
 * sbom-arrived can close). Its own seeded stream, so the releases planned are those of the same seed without it.
 */
export type SbomKind = 'before' | 'after' | 'invalid' | 'missing' | 'reported-invalid' | 'late' | 'racing';

export interface PlannedSbom {
  packageName: string;
  versionName: string;
  key: string;
  kind: SbomKind;
  required: boolean;
}

type Upload = { key: string; content: string; duplicateEvents: number; startAtMs: number };

export interface SbomPlan {
  required: string[];
  sboms: PlannedSbom[];
  /** With the first wave, the second wave, and (fixes) between the first wave and its redrives. */
  uploads: Upload[];
  secondWave: Upload[];
  fixes: Upload[];
  faults: FaultRule[];
}

/** What a release of a required package must wait for in the campaign (state-machine minutes; 1.2 s of wall time at the local time scale). */
export const CAMPAIGN_SBOM_WAIT_MINUTES = 2;
/** Versions whose SBOM is gated in the first wave: not PUBLISHED, nothing in OpenSearch, until the fix. */
const GATED: readonly SbomKind[] = ['invalid', 'missing'];
const GATE_ERRORS = ['SbomInvalid', 'SbomMissing', 'SbomNotArrived'];

/** A CycloneDX 1.5 document for the version; `valid: false` leaves its component's name out (the schema requires one). */
export function cycloneDxOf(packageName: string, versionName: string, valid = true): string {
  const component = valid ? { type: 'library', name: 'zlib', version: '1.3.1', purl: 'pkg:generic/zlib@1.3.1' } : { type: 'library', version: '1.3.1' };
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: { component: { type: 'firmware', name: packageName, version: versionName } },
    components: [component],
  });
}

/** A required package's version: 40 % before, 25 % after, 20 % invalid, 15 % missing. */
const requiredKind = (clean: boolean, roll: number): SbomKind => (!clean || roll < 0.4 ? 'before' : roll < 0.65 ? 'after' : roll < 0.85 ? 'invalid' : 'missing');

export function planSboms(options: CampaignOptions, packages: string[], rolledBack: ReadonlySet<string>, uploads: readonly PlannedUpload[]): SbomPlan {
  const prng = new Prng(deriveSeed(options.seed, 'sboms'));
  const between = (lo: number, hi: number) => lo + Math.floor(prng.next() * (hi - lo));
  const candidates = packages.filter((p) => !rolledBack.has(p));
  const required = candidates.filter((_, i) => i % 3 === 0);
  const optional = new Set(candidates.filter((_, i) => i % 3 === 1));
  const plan: SbomPlan = { required, sboms: [], uploads: [], secondWave: [], fixes: [], faults: [] };
  const upload = (list: Upload[], key: string, content: string, startAtMs: number) => list.push({ key, content, duplicateEvents: 1, startAtMs });

  // Optional packages' versions take their kinds in turn, so even a small campaign has each of them.
  const OPTIONAL_KINDS = ['racing', 'reported-invalid', undefined, 'late', undefined] as const;
  let optionalCount = Math.floor(prng.next() * OPTIONAL_KINDS.length);
  const versions = new Map<string, PlannedUpload[]>();
  for (const u of uploads) {
    const id = `${u.packageName}/${u.versionName}`;
    versions.set(id, [...(versions.get(id) ?? []), u]);
  }
  for (const group of versions.values()) {
    const { packageName, versionName } = group[0]!;
    const isRequired = required.includes(packageName);
    if (!isRequired && !optional.has(packageName)) continue;
    const key = conventionalSbomKey(packageName, versionName);
    const first = Math.min(...group.map((u) => u.startAtMs));
    const before = Math.floor(prng.next() * first);
    // Only versions every upload of which must release get the kinds checked at the end; the others (conflicting, rejected) an SBOM that is no obstacle.
    const clean = group.every((u) => u.kind === 'valid' || u.kind === 'identical');
    const roll = prng.next();
    const kind = isRequired ? requiredKind(clean, roll) : clean ? OPTIONAL_KINDS[optionalCount++ % OPTIONAL_KINDS.length] : undefined;
    if (!kind) continue;
    const valid = cycloneDxOf(packageName, versionName);
    if (kind === 'before') upload(plan.uploads, key, valid, before);
    if (kind === 'after') upload(plan.uploads, key, valid, first + between(20, 200));
    // racing: uploaded by playRacingSboms, when a release of the version is past CheckSbom.
    if (kind === 'invalid' || kind === 'reported-invalid') upload(plan.uploads, key, cycloneDxOf(packageName, versionName, false), before);
    if (kind === 'invalid' || kind === 'missing') upload(plan.fixes, key, valid, between(0, 100));
    if (kind === 'late') upload(plan.secondWave, key, valid, between(0, 300));
    plan.sboms.push({ packageName, versionName, key, kind, required: isRequired });
  }
  if (options.faults) {
    plan.faults.push(
      { operation: 'iot:AssociateSbomWithPackageVersion', kind: 'throttle', probability: 0.03 },
      { operation: 'iot:AssociateSbomWithPackageVersion', kind: 'lostResponse', probability: 0.03 },
      { operation: 'iot:ListSbomValidationResults', kind: 'error5xx', probability: 0.03 },
    );
  }
  return plan;
}

/**
 * The gate, when the first wave has ended and before the SBOMs are fixed: a version whose SBOM is
 * invalid or missing is not PUBLISHED, no release of it SUCCEEDED, and OpenSearch never imported it.
 */
export function checkSbomGate(
  sboms: readonly PlannedSbom[],
  opensearchPackageOf: (packageName: string) => string | undefined,
  executions: ExecutionRecord[],
  catalog: TwinCatalog,
): { gated: number; violations: string[] } {
  const violations: string[] = [];
  const gatedVersions = new Set(sboms.filter((s) => s.required && GATED.includes(s.kind)).map((s) => `${s.packageName}/${s.versionName}`));
  let gated = 0;
  for (const e of executions) {
    const v = preparedVersionOf(e);
    if (!v || !gatedVersions.has(`${v.packageName}/${v.versionName}`)) continue;
    if (e.status === 'FAILED' && GATE_ERRORS.includes(e.error ?? '')) gated++;
    if (e.status === 'SUCCEEDED') violations.push(`sbom gate: ${e.name} SUCCEEDED for ${v.packageName}@${v.versionName}, whose SBOM is invalid or missing`);
  }
  for (const id of gatedVersions) {
    const [packageName = '', versionName = ''] = id.split('/');
    const status = catalog.iot[packageName]?.versions[versionName]?.status;
    if (status && status !== 'DRAFT') violations.push(`sbom gate: ${packageName}@${versionName} is ${status} with its SBOM invalid or missing`);
    const imported = catalog.opensearch[opensearchPackageOf(packageName) ?? '']?.history.some((h) => parseCommitMessage(h.commitMessage ?? undefined)?.versionName === versionName);
    if (imported) violations.push(`sbom gate: OpenSearch imported ${packageName}@${versionName} with its SBOM invalid or missing`);
  }
  return { gated, violations };
}

/**
 * At the end: every released version of a package that requires an SBOM has a valid one, and every
 * planned SBOM of a released version is attached as the newest S3 version of its key (the
 * correction, the late and the racing ones included), judged as its content says.
 */
export function checkSboms(sboms: readonly PlannedSbom[], required: readonly string[], catalog: TwinCatalog, newestVersionId: (key: string) => string | undefined): { checked: number; violations: string[] } {
  const violations: string[] = [];
  let checked = 0;
  for (const packageName of required) {
    for (const [versionName, v] of Object.entries(catalog.iot[packageName]?.versions ?? {})) {
      const sbom = catalog.sboms[`${packageName}/${versionName}`];
      if (v.status === 'PUBLISHED' && sbom?.status !== 'SUCCEEDED') violations.push(`sbom: ${packageName}@${versionName} is PUBLISHED, its SBOM required, and it is ${sbom?.status ?? 'not attached'}`);
    }
  }
  for (const s of sboms) {
    if (catalog.iot[s.packageName]?.versions[s.versionName]?.status !== 'PUBLISHED') continue;
    checked++;
    const attached = catalog.sboms[`${s.packageName}/${s.versionName}`];
    const newest = newestVersionId(s.key);
    const expected = s.kind === 'reported-invalid' ? 'FAILED' : 'SUCCEEDED';
    const said = `sbom: ${s.packageName}@${s.versionName} (${s.kind})`;
    if (!attached) violations.push(`${said} is released without the SBOM uploaded to ${s.key}`);
    else if (attached.s3Location.key !== s.key || attached.s3Location.version !== newest) violations.push(`${said} has ${attached.s3Location.key}@${attached.s3Location.version} attached, not the newest ${s.key}@${newest}`);
    else if (attached.status !== expected) violations.push(`${said} has its SBOM ${attached.status}, expected ${expected}`);
  }
  return { checked, violations };
}

/**
 * The racing SBOMs: each uploaded as soon as a release of its version has passed CheckSbom while
 * the version is still DRAFT; those whose release never got there are uploaded when the first wave
 * is over. Returns how many landed in that window.
 */
export async function playRacingSboms(session: LocalSession, sboms: readonly PlannedSbom[], firstWaveOver: () => boolean): Promise<number> {
  const pending = new Map(sboms.filter((s) => s.kind === 'racing').map((s) => [`${s.packageName}/${s.versionName}`, s]));
  let inWindow = 0;
  const upload = async (id: string, s: PlannedSbom) => {
    pending.delete(id);
    await session.upload(s.key, cycloneDxOf(s.packageName, s.versionName));
  };
  while (pending.size && !firstWaveOver()) {
    const iot = session.twin.catalog().iot;
    for (const e of session.engine.list()) {
      const v = e.status === 'RUNNING' && e.states.some((st) => st.name === 'CheckSbom' && st.status === 'SUCCEEDED') ? preparedVersionOf(e) : undefined;
      const id = v && `${v.packageName}/${v.versionName}`;
      const s = id && pending.get(id);
      if (!v || !id || !s || iot[v.packageName]?.versions[v.versionName]?.status !== 'DRAFT') continue;
      inWindow++;
      await upload(id, s);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  for (const [id, s] of pending) await upload(id, s);
  return inWindow;
}

/** Waits (bounded) until AWS IoT has judged every attached SBOM, so the end check sees outcomes, not IN_PROGRESS. */
export async function sbomValidationsSettled(catalog: () => TwinCatalog, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Object.values(catalog().sboms).some((s) => s.status === 'IN_PROGRESS') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}
