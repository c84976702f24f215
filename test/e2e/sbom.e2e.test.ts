import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PackagesConfig } from '../../lib/release/config';
import { LOCAL_BUCKET, type LocalSession } from '../../local/session';
import { CYCLONEDX, CYCLONEDX_WITHOUT_NAME, SPDX, SPDX_WITHOUT_NAMESPACE, sbomZip } from '../support/sboms';
import { executionFor, releaseCommits, startSession, succeeded } from './harness';

/**
 * Every release carries its SBOM (docs/sbom.md), on the real local engine and the twin: AWS IoT's
 * validation is the gate under `required`, a report under `optional`.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const CONFIG: PackagesConfig = {
  packages: {
    'edge-agent': { opensearchPackage: 'edge-agent-dict', sbom: 'required' },
    'edge-tools': { opensearchPackage: 'edge-tools-dict' },
  },
};

async function start(): Promise<LocalSession> {
  const s = await startSession({ config: CONFIG });
  await s.createOpenSearchPackage('edge-tools-dict', 'TXT-DICTIONARY', 'initial\n');
  return s;
}

const sbomKey = (p: string, v: string) => `sboms/${p}/${v}/sbom.zip`;
const output = (e: { output?: unknown }) => (e.output as { steps: { attachSbom: unknown; checkSbom: { validation: string; sbom?: { version: string }; failedFiles?: unknown[] } } }).steps;
const associations = (s: LocalSession) => succeeded(s.report(), 'iot:AssociateSbomWithPackageVersion');

describe('SBOMs under sbom: required', () => {
  it.each([
    ['CycloneDX', '1.0.0', { 'bom.cdx.json': CYCLONEDX }],
    ['SPDX', '1.1.0', { 'doc.spdx.json': SPDX }],
  ])('a valid %s SBOM beside the artifact: attached (pinned S3 version), validated, SUCCEEDED and PUBLISHED', async (_format, version, files) => {
    session = await start();
    const sbom = await session.upload(sbomKey('edge-agent', version), sbomZip(files));
    await session.upload(`releases/edge-agent/${version}/words.txt`, 'alpha\n');
    await session.settled();
    const execution = executionFor(session, 'edge-agent', version);
    expect([execution.status, execution.error]).toEqual(['SUCCEEDED', undefined]);
    const report = session.report();
    expect(report.catalog.iot['edge-agent']!.versions[version]!.status).toBe('PUBLISHED');
    expect(report.catalog.sboms[`edge-agent/${version}`]).toEqual({ s3Location: { bucket: LOCAL_BUCKET, key: sbomKey('edge-agent', version), version: sbom.versionId }, status: 'SUCCEEDED' });
    expect(output(execution).checkSbom).toMatchObject({ policy: 'required', validation: 'SUCCEEDED', sbom: { version: sbom.versionId } });
    expect(associations(session)).toBe(1);

    // Idempotent: a new execution of the same release attaches nothing twice.
    const again = session.start(`${execution.name}-again`, execution.input);
    await session.settled();
    expect(again.status).toBe('SUCCEEDED');
    expect(output(again).attachSbom).toMatchObject({ outcome: 'already-attached' });
    expect(associations(session)).toBe(1);
  });

  it('an invalid SBOM: SbomInvalid naming each file\'s error code and message, the version stays DRAFT, OpenSearch untouched; corrected and redriven, the newest SBOM version is attached and the release completes', async () => {
    session = await start();
    await session.upload(sbomKey('edge-agent', '2.0.0'), sbomZip({ 'a.cdx.json': CYCLONEDX_WITHOUT_NAME, 'b.spdx.json': SPDX_WITHOUT_NAMESPACE }));
    await session.upload('releases/edge-agent/2.0.0/words.txt', 'alpha\n');
    await session.settled();
    const execution = executionFor(session, 'edge-agent', '2.0.0');
    expect([execution.status, execution.error]).toEqual(['FAILED', 'SbomInvalid']);
    expect(execution.cause).toMatch(/a\.cdx\.json: INCOMPATIBLE_FORMAT: not a valid CycloneDX 1\.5 document: \/components\/0 must have required property 'name'/);
    expect(execution.cause).toMatch(/b\.spdx\.json: INCOMPATIBLE_FORMAT: not a valid SPDX 2\.3 document: .*documentNamespace/);
    expect(execution.cause).toContain('then redrive the execution');
    const failed = session.report();
    expect(failed.catalog.iot['edge-agent']!.versions['2.0.0']!.status).toBe('DRAFT');
    expect(releaseCommits(failed, 'edge-agent-dict')).toEqual([]);

    const fixed = await session.upload(sbomKey('edge-agent', '2.0.0'), sbomZip({ 'a.cdx.json': CYCLONEDX, 'b.spdx.json': SPDX }));
    session.engine.redrive(execution.name);
    await session.settled();
    expect([execution.status, execution.redriveCount]).toEqual(['SUCCEEDED', 1]);
    const report = session.report();
    expect(report.catalog.iot['edge-agent']!.versions['2.0.0']!.status).toBe('PUBLISHED');
    expect(report.catalog.sboms['edge-agent/2.0.0']).toMatchObject({ s3Location: { version: fixed.versionId }, status: 'SUCCEEDED' });
    expect(associations(session)).toBe(2);
  });

  it('the artifact before its SBOM: the release waits in AttachSbom (SbomNotArrived, no version published) and attaches the SBOM once it lands', async () => {
    session = await start();
    await session.upload('releases/edge-agent/3.0.0/words.txt', 'alpha\n');
    // CreateVersion has run, AttachSbom waits.
    for (let i = 0; i < 400 && session.twin.catalog().iot['edge-agent']?.versions['3.0.0'] === undefined; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 200));
    const waiting = executionFor(session, 'edge-agent', '3.0.0');
    expect(waiting.status).toBe('RUNNING');
    expect(waiting.states.filter((s) => s.name === 'AttachSbom').length).toBeGreaterThan(0);
    expect(session.twin.catalog().iot['edge-agent']!.versions['3.0.0']!.status).toBe('DRAFT');

    const sbom = await session.upload(sbomKey('edge-agent', '3.0.0'), sbomZip({ 'bom.json': CYCLONEDX }));
    await session.settled();
    expect(waiting.status).toBe('SUCCEEDED');
    expect(session.report().catalog.sboms['edge-agent/3.0.0']).toMatchObject({ s3Location: { version: sbom.versionId }, status: 'SUCCEEDED' });
  });
});

describe('where the SBOM comes from', () => {
  it('a manifest names the SBOM and its S3 version: exactly that version is attached, not a newer upload', async () => {
    session = await start();
    const named = await session.upload('sboms/edge-agent/build-9/bom.zip', sbomZip({ 'bom.json': CYCLONEDX }));
    await session.upload('sboms/edge-agent/build-9/bom.zip', sbomZip({ 'bom.json': CYCLONEDX_WITHOUT_NAME }));
    await session.upload('builds/edge-agent/4.0.0/words.txt', 'alpha\n');
    const manifest = { manifestVersion: 1, package: 'edge-agent', version: '4.0.0', artifact: { bucket: LOCAL_BUCKET, key: 'builds/edge-agent/4.0.0/words.txt' }, sbom: { key: 'sboms/edge-agent/build-9/bom.zip', versionId: named.versionId } };
    const execution = session.start('codepipeline-sbom', manifest);
    await session.settled();
    expect(execution.status).toBe('SUCCEEDED');
    expect(output(execution).attachSbom).toMatchObject({ outcome: 'attached', sbom: { key: 'sboms/edge-agent/build-9/bom.zip', version: named.versionId, from: 'manifest' } });
  });

  it('the artifact\'s x-amz-meta-sbom names the key; one outside sboms/ is SbomLocationInvalid and nothing is attached', async () => {
    session = await start();
    await session.upload('sboms/edge-agent/shared/5.0.0.zip', sbomZip({ 'doc.spdx.json': SPDX }));
    await session.upload('releases/edge-agent/5.0.0/words.txt', 'alpha\n', { metadata: { sbom: 'sboms/edge-agent/shared/5.0.0.zip' } });
    await session.upload('releases/edge-agent/5.1.0/words.txt', 'alpha\n', { metadata: { sbom: 'releases/edge-agent/5.1.0/words.txt' } });
    await session.settled();
    const good = executionFor(session, 'edge-agent', '5.0.0');
    expect(good.status).toBe('SUCCEEDED');
    expect(output(good).attachSbom).toMatchObject({ sbom: { key: 'sboms/edge-agent/shared/5.0.0.zip', from: 'metadata' } });
    const bad = executionFor(session, 'edge-agent', '5.1.0');
    expect([bad.status, bad.error]).toEqual(['FAILED', 'SbomLocationInvalid']);
    expect(associations(session)).toBe(1);
  });

  it('an SBOM that arrives after its release finished: its own event attaches it to the PUBLISHED version (no new execution); a second one does not replace it', async () => {
    session = await start();
    await session.upload('releases/edge-tools/2.0.0/words.txt', 'alpha\n');
    await session.settled();
    const first = executionFor(session, 'edge-tools', '2.0.0');
    expect(output(first).checkSbom).toEqual({ policy: 'optional', validation: 'NONE' });
    const sbom = await session.upload(sbomKey('edge-tools', '2.0.0'), sbomZip({ 'bom.json': CYCLONEDX }));
    await session.settled();
    expect(session.engine.list()).toHaveLength(1);
    for (let i = 0; i < 200 && session.twin.catalog().sboms['edge-tools/2.0.0']?.status === 'IN_PROGRESS'; i++) await new Promise((r) => setTimeout(r, 25));
    const report = session.report();
    expect(report.catalog.iot['edge-tools']!.versions['2.0.0']!.status).toBe('PUBLISHED');
    expect(report.catalog.sboms['edge-tools/2.0.0']).toEqual({ s3Location: { bucket: LOCAL_BUCKET, key: sbomKey('edge-tools', '2.0.0'), version: sbom.versionId }, status: 'SUCCEEDED' });

    await session.upload(sbomKey('edge-tools', '2.0.0'), sbomZip({ 'bom.json': SPDX }));
    await session.settled();
    expect(session.report().catalog.sboms['edge-tools/2.0.0']!.s3Location.version).toBe(sbom.versionId); // replaced only by an operator
    expect(associations(session)).toBe(1);
    expect(session.triggerErrors).toEqual([]);
  });

  it('an SBOM for a version that does not exist yet is left to its release', async () => {
    session = await start();
    await session.upload(sbomKey('edge-tools', '3.0.0'), sbomZip({ 'bom.json': CYCLONEDX }));
    await session.settled();
    expect(associations(session)).toBe(0);
    await session.upload('releases/edge-tools/3.0.0/words.txt', 'alpha\n');
    await session.settled();
    expect(output(executionFor(session, 'edge-tools', '3.0.0')).checkSbom).toMatchObject({ validation: 'SUCCEEDED' });
    expect(associations(session)).toBe(1);
  });
});

describe('SBOMs under sbom: optional (the default)', () => {
  it('an invalid SBOM is reported in the execution output, not a gate: SUCCEEDED and PUBLISHED', async () => {
    session = await start();
    await session.upload(sbomKey('edge-tools', '1.0.0'), sbomZip({ 'a.json': CYCLONEDX_WITHOUT_NAME }));
    await session.upload('releases/edge-tools/1.0.0/words.txt', 'alpha\n');
    await session.settled();
    const execution = executionFor(session, 'edge-tools', '1.0.0');
    expect(execution.status).toBe('SUCCEEDED');
    expect(session.report().catalog.iot['edge-tools']!.versions['1.0.0']!.status).toBe('PUBLISHED');
    expect(output(execution).checkSbom).toMatchObject({
      policy: 'optional',
      validation: 'FAILED',
      failedFiles: [{ fileName: 'a.json', errorCode: 'INCOMPATIBLE_FORMAT', errorMessage: expect.stringContaining('/components/0') }],
    });
  });

  it('an SBOM landing after CheckSbom looked and before the version is PUBLISHED is not lost: the released version has it', async () => {
    // A slow OpenSearch import holds the release between CheckSbom (which found nothing) and Promote.
    session = await startSession({ config: CONFIG, opensearchTiming: { copyingMs: 400, validatingMs: 400 } });
    await session.createOpenSearchPackage('edge-tools-dict', 'TXT-DICTIONARY', 'initial\n');
    await session.upload('releases/edge-tools/1.2.0/words.txt', 'alpha\n');
    const execution = () => executionFor(session!, 'edge-tools', '1.2.0');
    await vi.waitFor(() => expect(execution().states.some((st) => st.name === 'CheckSbom' && st.status === 'SUCCEEDED')).toBe(true), { timeout: 5_000, interval: 10 });
    expect(execution().status).toBe('RUNNING');
    const sbom = await session.upload(sbomKey('edge-tools', '1.2.0'), sbomZip({ 'bom.json': CYCLONEDX }));
    await session.settled();
    expect(execution().status).toBe('SUCCEEDED');
    expect(output(execution()).checkSbom).toEqual({ policy: 'optional', validation: 'NONE' });
    await vi.waitFor(() => expect(session!.report().catalog.sboms['edge-tools/1.2.0']).toEqual({ s3Location: { bucket: LOCAL_BUCKET, key: sbomKey('edge-tools', '1.2.0'), version: sbom.versionId }, status: 'SUCCEEDED' }), { timeout: 5_000 });
  });

  it('no SBOM at all: SUCCEEDED, reported as NONE, nothing attached', async () => {
    session = await start();
    await session.upload('releases/edge-tools/1.1.0/words.txt', 'alpha\n');
    await session.settled();
    const execution = executionFor(session, 'edge-tools', '1.1.0');
    expect(execution.status).toBe('SUCCEEDED');
    expect(output(execution).checkSbom).toEqual({ policy: 'optional', validation: 'NONE' });
    expect(associations(session)).toBe(0);
  });
});
