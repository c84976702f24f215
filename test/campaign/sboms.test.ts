import { describe, expect, it } from 'vitest';
import { generateCampaign } from '../../local/campaign/generate';
import { checkSbomGate, checkSboms, type PlannedSbom } from '../../local/campaign/sboms';
import type { ExecutionRecord } from '../../local/engine/executions';
import type { TwinCatalog } from '../../local/twin';

/** SBOMs in the campaign (local/campaign/sboms.ts): what is planned, and what the gate and end checks flag. */
describe('campaign SBOM plan', () => {
  const plan = generateCampaign({ seed: 3, releases: 500, packages: 50, faults: true });
  const sboms = plan.sboms ?? [];
  const rolledBack = new Set(plan.rollbackWave?.rollbacks.map((r) => r.packageName));

  it('requires SBOMs of packages not rolled back, and plans every kind, each uploaded where it belongs', () => {
    const required = plan.sbomRequired ?? [];
    expect(required.length).toBeGreaterThan(5);
    expect(required.some((p) => rolledBack.has(p))).toBe(false);
    for (const p of required) expect(plan.scenario.packages[p]).toMatchObject({ sbom: 'required', sbomWaitMinutes: 2 });
    expect(new Set(sboms.map((s) => s.kind))).toEqual(new Set(['before', 'after', 'invalid', 'missing', 'reported-invalid', 'late', 'racing']));
    const keys = (list: { key: string }[]) => new Set(list.map((u) => u.key));
    const [first, second, fixes] = [keys(plan.scenario.uploads), keys(plan.scenario.secondWave), keys(plan.scenario.fixedSboms ?? [])];
    for (const s of sboms) {
      // racing ones are uploaded by playRacingSboms, once their release is past CheckSbom.
      expect(first.has(s.key)).toBe(['before', 'after', 'invalid', 'reported-invalid'].includes(s.kind));
      expect(fixes.has(s.key)).toBe(s.kind === 'invalid' || s.kind === 'missing');
      expect(second.has(s.key)).toBe(s.kind === 'late');
      expect(s.required).toBe(required.includes(s.packageName));
    }
  });

  it('gives every version of a package that requires one exactly one planned SBOM, and leaves the releases planned as they were', () => {
    const versions = new Set(plan.uploads.filter((u) => plan.sbomRequired?.includes(u.packageName) && !u.rollbackWave).map((u) => `${u.packageName}/${u.versionName}`));
    const planned = sboms.filter((s) => s.required).map((s) => `${s.packageName}/${s.versionName}`);
    expect(new Set(planned)).toEqual(versions);
    expect(planned).toHaveLength(versions.size);
    expect(plan.uploads.every((u) => u.key.startsWith('releases/'))).toBe(true);
  });
});

describe('campaign SBOM checks', () => {
  const sbom = (kind: PlannedSbom['kind'], versionName = '1.1.0'): PlannedSbom => ({ packageName: 'pkg-001', versionName, key: `sboms/pkg-001/${versionName}/sbom.zip`, kind, required: kind !== 'reported-invalid' && kind !== 'late' });
  const execution = (status: string, error?: string) => ({ name: `r-${status}`, status, error, states: [{ name: 'Prepare', status: 'SUCCEEDED', output: { packageName: 'pkg-001', versionName: '1.1.0' } }] }) as unknown as ExecutionRecord;
  const catalog = (status: string, attached?: { version: string; status: string }, imported = false) =>
    ({
      iot: { 'pkg-001': { defaultVersion: null, versions: { '1.1.0': { status, artifact: null } } } },
      sboms: attached ? { 'pkg-001/1.1.0': { s3Location: { bucket: 'b', key: 'sboms/pkg-001/1.1.0/sbom.zip', version: attached.version }, status: attached.status } } : {},
      opensearch: { 'pkg-001-dict': { history: imported ? [{ commitMessage: `pkgrelease v=1.1.0 t=${'a'.repeat(16)} p=pkg-001` }] : [] } },
      domains: {},
    }) as unknown as TwinCatalog;
  const osOf = () => 'pkg-001-dict';

  it('the gate: counts releases held by SbomInvalid or SbomMissing; flags one that SUCCEEDED, a PUBLISHED version and an OpenSearch import', () => {
    expect(checkSbomGate([sbom('invalid')], osOf, [execution('FAILED', 'SbomInvalid'), execution('FAILED', 'SbomMissing')], catalog('DRAFT'))).toEqual({ gated: 2, violations: [] });
    const { violations } = checkSbomGate([sbom('missing')], osOf, [execution('SUCCEEDED')], catalog('PUBLISHED', undefined, true));
    expect(violations).toEqual([
      expect.stringMatching(/SUCCEEDED for pkg-001@1\.1\.0/),
      expect.stringMatching(/pkg-001@1\.1\.0 is PUBLISHED/),
      expect.stringMatching(/OpenSearch imported pkg-001@1\.1\.0/),
    ]);
    // An SBOM that is no obstacle gates nothing.
    expect(checkSbomGate([sbom('before')], osOf, [execution('SUCCEEDED')], catalog('PUBLISHED', undefined, true)).violations).toEqual([]);
  });

  it('the end: accepts the newest object version attached and judged as its content says; flags an older one, a wrong outcome, none at all', () => {
    const newest = () => 'v2';
    expect(checkSboms([sbom('invalid')], ['pkg-001'], catalog('PUBLISHED', { version: 'v2', status: 'SUCCEEDED' }), newest)).toEqual({ checked: 1, violations: [] });
    expect(checkSboms([sbom('reported-invalid')], [], catalog('PUBLISHED', { version: 'v2', status: 'FAILED' }), newest).violations).toEqual([]);
    expect(checkSboms([sbom('invalid')], ['pkg-001'], catalog('PUBLISHED', { version: 'v1', status: 'FAILED' }), newest).violations).toEqual([
      expect.stringMatching(/PUBLISHED, its SBOM required, and it is FAILED/),
      expect.stringMatching(/\(invalid\) has sboms\/pkg-001\/1\.1\.0\/sbom\.zip@v1 attached, not the newest .*@v2/),
    ]);
    expect(checkSboms([sbom('late')], [], catalog('PUBLISHED'), newest).violations).toEqual([expect.stringMatching(/\(late\) is released without the SBOM/)]);
    expect(checkSboms([sbom('reported-invalid')], [], catalog('PUBLISHED', { version: 'v2', status: 'SUCCEEDED' }), newest).violations).toEqual([expect.stringMatching(/SUCCEEDED, expected FAILED/)]);
    // A version not released is the gate's business, not the end's.
    expect(checkSboms([sbom('missing')], [], catalog('DRAFT'), newest)).toEqual({ checked: 0, violations: [] });
  });
});
