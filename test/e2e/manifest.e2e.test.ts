import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_BUCKET, type LocalSession } from '../../local/session';
import { startSession, succeeded } from './harness';

/**
 * CodePipeline's Step Functions invoke action (InputType FilePath): the release manifest the build
 * wrote becomes the execution input, and the stage fails when the execution fails.
 */
let session: LocalSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const exampleManifest = () => JSON.parse(readFileSync(new URL('../../examples/release-manifest.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('release from a manifest, as CodePipeline starts it', () => {
  it('releases the artifact the manifest names, pinned to its current S3 version', async () => {
    session = await startSession();
    const { versionId } = await session.upload('builds/edge-agent/2.3.0/words.txt', 'alpha\n'); // outside releases/: no trigger
    await session.settled();
    expect(session.engine.list()).toHaveLength(0);

    const manifest = { manifestVersion: 1, package: 'edge-agent', version: '2.3.0', artifact: { bucket: LOCAL_BUCKET, key: 'builds/edge-agent/2.3.0/words.txt' }, attributes: { build: '4711' } };
    const execution = session.start('codepipeline-release-4711', manifest);
    await session.settled();
    const report = session.report();

    expect(execution.status).toBe('SUCCEEDED');
    expect(report.catalog.iot['edge-agent']).toMatchObject({
      defaultVersion: '2.3.0',
      versions: { '2.3.0': { status: 'PUBLISHED', artifact: { s3Location: { bucket: LOCAL_BUCKET, key: 'builds/edge-agent/2.3.0/words.txt', version: versionId } } } },
    });
    expect(succeeded(report, 'es:UpdatePackage')).toBe(1);
  });

  it('a malformed manifest fails the execution at Prepare with a message naming the bad field, touching nothing', async () => {
    session = await startSession();
    const manifest = { ...exampleManifest(), artifact: { bucket: LOCAL_BUCKET } };
    const execution = session.start('codepipeline-bad-manifest', manifest);
    await session.settled();
    const report = session.report();

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('InvalidRelease');
    expect(execution.cause).toMatch(/artifact\.key/);
    expect(execution.states.map((s) => s.name)).toEqual(['Prepare']);
    expect(report.catalog.iot).toEqual({});
    expect(Object.keys(report.calls).filter((c) => c.startsWith('iot:'))).toEqual([]);
  });
});
