import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { ArtifactNotFound, InvalidRelease } from '../../lib/release/errors';
import { deriveClientToken } from '../../lib/release/identity';
import { prepareRelease } from '../../lib/release/steps/prepare';
import { BUCKET, CONFIG } from '../fixtures/release';

const s3 = mockClient(S3Client);
const deps = () => ({ s3: new S3Client({}), config: CONFIG, artifactBucket: BUCKET });

/** The real EventBridge sample, pointed at our bucket and a key of our choosing. */
function eventBridgeEvent(key: string, versionId = 'v-abc123') {
  const sample = JSON.parse(readFileSync(new URL('../fixtures/events/s3-eventbridge-object-created.json', import.meta.url), 'utf8'));
  sample.detail.bucket.name = BUCKET;
  sample.detail.object.key = key;
  sample.detail.object['version-id'] = versionId;
  return sample;
}

function objectExists(metadata: Record<string, string> = {}) {
  s3.on(HeadObjectCommand).resolves({ VersionId: 'v-abc123', ETag: '"etag-1"', Metadata: metadata });
}

describe('prepare: accepted inputs become one canonical release request', () => {
  beforeEach(() => s3.reset());

  it('maps an S3 EventBridge event by the key convention, pins the version and derives the token', async () => {
    objectExists({ description: 'Nightly agent', attributes: '{"build":"42"}' });
    const release = await prepareRelease(eventBridgeEvent('releases/edge-agent/1.2.0/agent.zip'), deps());
    const artifact = { bucket: BUCKET, key: 'releases/edge-agent/1.2.0/agent.zip', version: 'v-abc123', etag: 'etag-1' };
    expect(release).toEqual({
      packageName: 'edge-agent',
      versionName: '1.2.0',
      artifact,
      description: 'Nightly agent',
      attributes: { build: '42' },
      tags: { team: 'edge' },
      opensearch: { packageName: 'edge-agent-dict' },
      defaultVersionPolicy: 'if-newer',
      clientToken: deriveClientToken(artifact),
    });
    expect(release.clientToken).toMatch(/^\S{36,64}$/);
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toEqual({ Bucket: BUCKET, Key: artifact.key, VersionId: 'v-abc123', ChecksumMode: 'ENABLED' });
  });

  it('accepts a release manifest and a hand-written request, with the same token for the same artifact', async () => {
    objectExists();
    const manifest = await prepareRelease(
      { manifestVersion: 1, package: 'edge-agent', version: '1.2.0', artifact: { bucket: BUCKET, key: 'releases/edge-agent/1.2.0/agent.zip' } },
      deps(),
    );
    const request = await prepareRelease(
      { packageName: 'edge-agent', versionName: '1.2.0', artifact: { bucket: BUCKET, key: 'releases/edge-agent/1.2.0/agent.zip' } },
      deps(),
    );
    const event = await prepareRelease(eventBridgeEvent('releases/edge-agent/1.2.0/agent.zip'), deps());
    expect(manifest.clientToken).toBe(event.clientToken);
    expect(request).toEqual(manifest);
  });

  it('decodes URL-encoded keys from S3 notifications before looking the object up', async () => {
    objectExists();
    const notification = JSON.parse(readFileSync(new URL('../fixtures/events/s3-decoded-key.json', import.meta.url), 'utf8'));
    notification.Records[0].s3.bucket.name = BUCKET;
    notification.Records[0].s3.object.key = 'releases/edge-agent/1.2.0/my+agent%2B1.zip';
    const release = await prepareRelease(notification, deps());
    expect(release.artifact.key).toBe('releases/edge-agent/1.2.0/my agent+1.zip');
  });

  it('keeps a clientToken the request carries', async () => {
    objectExists();
    const token = 'release-token-0123456789-0123456789-abcdef';
    const release = await prepareRelease(
      { packageName: 'edge-agent', versionName: '1.2.0', artifact: { bucket: BUCKET, key: 'releases/edge-agent/1.2.0/agent.zip' }, clientToken: token },
      deps(),
    );
    expect(release.clientToken).toBe(token);
  });
});

describe('prepare: bad input fails with a named error that says what to fix, and writes nothing', () => {
  beforeEach(() => s3.reset());

  const manifest = (over: Record<string, unknown> = {}) => ({
    manifestVersion: 1,
    package: 'edge-agent',
    version: '1.2.0',
    artifact: { bucket: BUCKET, key: 'releases/edge-agent/1.2.0/agent.zip' },
    ...over,
  });

  const cases: [string, () => unknown, RegExp, 'before-s3' | 'after-head'][] = [
    ['a key outside the convention', () => eventBridgeEvent('uploads/agent.zip'), /releases\/<package>\/<version>\/<file>/, 'before-s3'],
    ['a package name breaking the pattern', () => manifest({ package: 'edge agent!' }), /packageName.*must match/, 'before-s3'],
    ['a version name over 64 characters', () => manifest({ version: '1'.repeat(65) }), /versionName.*at most 64/, 'before-s3'],
    ['a version with "+" build metadata (URL-encoded key)', () => eventBridgeEvent('releases/edge-agent/1.2.0%2Bbuild.7/agent.zip'), /versionName: version name "1\.2\.0\+build\.7" must match/, 'before-s3'],
    ['a key whose package has a space (form-encoded "+")', () => eventBridgeEvent('releases/edge+agent/1.2.0/agent.zip'), /packageName: IoT package name "edge agent"/, 'before-s3'],
    ['attributes over 3 KB', () => manifest({ attributes: { notes: 'x'.repeat(3100) } }), /attributes.*3 KB/, 'before-s3'],
    ['a description with control characters', () => manifest({ description: 'line one\nline two' }), /description.*control characters/, 'before-s3'],
    ['a package with no configuration', () => manifest({ package: 'unknown-pkg' }), /no configuration.*config\/packages\.json/, 'before-s3'],
    // The English default message: zod/mini has no locale unless lib/validation/zod.ts sets one.
    ['a malformed manifest field', () => manifest({ artifact: { bucket: BUCKET } }), /^artifact\.key: invalid manifest: Invalid input: expected string, received undefined$/, 'before-s3'],
    ['a manifest artifact outside releases/ and builds/', () => manifest({ artifact: { bucket: BUCKET, key: 'tmp/agent.zip' } }), /must be builds\/edge-agent\/1\.2\.0\/<file>/, 'before-s3'],
    ['a manifest artifact of another package', () => manifest({ artifact: { bucket: BUCKET, key: 'builds/other-agent/1.2.0/agent.zip' } }), /artifact\.key.*builds\/edge-agent\/1\.2\.0\/<file>/, 'before-s3'],
    ['a manifest artifact of another version', () => manifest({ artifact: { bucket: BUCKET, key: 'releases/edge-agent/1.1.0/agent.zip' } }), /artifact\.key/, 'before-s3'],
    ['a manifest key with a ".." segment', () => manifest({ artifact: { bucket: BUCKET, key: 'builds/edge-agent/1.2.0/../../other/1.0/a.zip' } }), /"\." or "\.\." segment/, 'before-s3'],
    ['a version named ".."', () => manifest({ version: '..', artifact: { bucket: BUCKET, key: 'builds/edge-agent/x/a.zip' } }), /versionName: "\.\." is a path segment/, 'before-s3'],
    ['a package named "."', () => manifest({ package: '.' }), /packageName: "\." is a path segment/, 'before-s3'],
    ['an S3 event for a key with a "." segment', () => eventBridgeEvent('releases/edge-agent/./agent.zip'), /"\." or "\.\." segment/, 'before-s3'],
    ['an EventBridge event of another detail-type', () => ({ ...eventBridgeEvent('releases/edge-agent/1.2.0/agent.zip'), 'detail-type': 'Object Deleted' }), /detail-type/, 'before-s3'],
    ['a request opensearchPackage other than the configured one', () => manifest({ opensearchPackage: 'someone-elses-package' }), /opensearchPackage: "someone-elses-package" differs from the configured "edge-agent-dict"/, 'before-s3'],
    ['a request defaultVersionPolicy other than the configured one', () => manifest({ defaultVersionPolicy: 'always' }), /defaultVersionPolicy: "always" differs from the configured "if-newer"/, 'before-s3'],
    ['an artifact in another bucket', () => manifest({ artifact: { bucket: 'other-bucket', key: 'releases/edge-agent/1.2.0/agent.zip' } }), /artifact bucket/, 'before-s3'],
    ['a clientToken that is too short', () => manifest({ clientToken: 'short' }), /clientToken.*at least 36/, 'before-s3'],
  ];

  it.each(cases)('rejects %s with InvalidRelease', async (_name, input, message, when) => {
    objectExists();
    const error = await prepareRelease(input(), deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRelease);
    expect((error as Error).name).toBe('InvalidRelease');
    expect((error as Error).message).toMatch(message);
    if (when === 'before-s3') expect(s3.calls()).toHaveLength(0);
  });

  it('rejects an S3 object version that does not exist with ArtifactNotFound', async () => {
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));
    const error = await prepareRelease(manifest({ artifact: { bucket: BUCKET, key: 'releases/edge-agent/1.2.0/agent.zip', versionId: 'nope' } }), deps()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ArtifactNotFound);
    expect((error as Error).message).toMatch(/version nope does not exist/);
    // Only the read was made.
    expect(s3.calls().map((c) => c.args[0].constructor.name)).toEqual(['HeadObjectCommand']);
  });

  it('rejects a configured OpenSearch name the service would refuse', async () => {
    const config = { packages: { 'edge-agent': { opensearchPackage: 'Edge_Agent' } } };
    await expect(prepareRelease(manifest(), { ...deps(), config })).rejects.toThrow(/opensearchPackage.*lower-case/);
    expect(s3.calls()).toHaveLength(0);
  });

  it('accepts a request that repeats the configured opensearchPackage and defaultVersionPolicy', async () => {
    objectExists();
    const release = await prepareRelease(manifest({ opensearchPackage: 'edge-agent-dict', defaultVersionPolicy: 'if-newer' }), deps());
    expect(release).toMatchObject({ opensearch: { packageName: 'edge-agent-dict' }, defaultVersionPolicy: 'if-newer' });
  });

  it('refuses a recipe from object metadata unless the package allows it', async () => {
    objectExists({ recipe: '{"steps":[]}' });
    const error = await prepareRelease(manifest(), deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRelease);
    expect((error as Error).message).toMatch(/recipe: object metadata x-amz-meta-recipe is not allowed for package "edge-agent".*allowRecipeFromMetadata/);

    const config = { packages: { 'edge-agent': { ...CONFIG.packages['edge-agent'], allowRecipeFromMetadata: true } } };
    await expect(prepareRelease(manifest(), { ...deps(), config })).resolves.toMatchObject({ recipe: '{"steps":[]}' });
  });

  it('refuses a recipe in a manifest or request unless the package allows it, before any AWS call', async () => {
    objectExists();
    const error = await prepareRelease(manifest({ recipe: '{"steps":[1]}' }), deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRelease);
    expect((error as Error).message).toMatch(/recipe: a release manifest may not set "recipe".*"edge-agent".*allowRecipeFromManifest/);
    expect(s3.calls()).toHaveLength(0);

    const config = { packages: { 'edge-agent': { ...CONFIG.packages['edge-agent'], allowRecipeFromManifest: true } } };
    await expect(prepareRelease(manifest({ recipe: '{"steps":[1]}' }), { ...deps(), config })).resolves.toMatchObject({ recipe: '{"steps":[1]}' });
  });

  it('accepts an S3 notification from an IPv6 address (members it does not use are not checked)', async () => {
    objectExists();
    const notification = JSON.parse(readFileSync(new URL('../fixtures/events/s3-decoded-key.json', import.meta.url), 'utf8'));
    notification.Records[0].s3.bucket.name = BUCKET;
    notification.Records[0].s3.object.key = 'releases/edge-agent/1.2.0/agent.zip';
    notification.Records[0].requestParameters.sourceIPAddress = '2001:db8::1';
    await expect(prepareRelease(notification, deps())).resolves.toMatchObject({ packageName: 'edge-agent' });
  });

  it('rejects attributes metadata that is not a JSON object', async () => {
    objectExists({ attributes: 'build=42' });
    await expect(prepareRelease(manifest(), deps())).rejects.toThrow(/x-amz-meta-attributes must be a JSON object/);
  });
});

describe('prepare: configured tags are the reviewed ones', () => {
  beforeEach(() => s3.reset());
  const request = (tags: Record<string, string>) => ({
    packageName: 'edge-agent', versionName: '1.2.0', artifact: { bucket: BUCKET, key: 'releases/edge-agent/1.2.0/agent.zip' }, tags,
  });

  it('refuses a request tag that changes a configured one, naming both values', async () => {
    objectExists();
    await expect(prepareRelease(request({ team: 'attacker' }), deps())).rejects.toMatchObject({
      name: 'InvalidRelease',
      message: expect.stringMatching(/tag "team" is set to "edge".*"attacker"/),
    });
  });

  it('keeps a request tag that adds a key or repeats the configured value', async () => {
    objectExists();
    const release = await prepareRelease(request({ team: 'edge', ticket: 'REL-42' }), deps());
    expect(release.tags).toEqual({ team: 'edge', ticket: 'REL-42' });
  });
});
