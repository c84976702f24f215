import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseS3Uri, planFromManifest, planFromS3Uri, startPlanned } from '../../lib/operations/start';
import { ArtifactNotFound, InvalidRelease } from '../../lib/release/errors';
import { deriveClientToken, executionName } from '../../lib/release/identity';
import { requestFromS3Event } from '../../lib/release/steps/trigger';
import { awsError } from './aws-errors';

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:pkgrelease-prod-release';
const key = 'releases/edge-agent/1.2.0/agent.zip';

/** The S3 "Object Created" event the trigger would get for the same upload. */
function objectCreated(versionId: string, etag: string) {
  const event = JSON.parse(readFileSync(new URL('../fixtures/events/s3-eventbridge-object-created.json', import.meta.url), 'utf8'));
  Object.assign(event.detail.object, { key, 'version-id': versionId, etag });
  event.detail.bucket.name = 'artifacts';
  return event;
}

describe('pkgrelease start', () => {
  beforeEach(() => {
    s3.reset();
    sfn.reset();
  });

  it('pins the current version of an S3 URI and builds exactly the trigger\'s request and execution name', async () => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v-7', ETag: '"0a1b2c"' });

    const planned = await planFromS3Uri(new S3Client({}), `s3://artifacts/${key}`);

    const fromTrigger = requestFromS3Event(objectCreated('v-7', '0a1b2c'), { config: { packages: { 'edge-agent': {} } } });
    expect(planned.input).toEqual(fromTrigger);
    expect(planned.executionName).toBe(executionName(fromTrigger.packageName, fromTrigger.versionName, fromTrigger.clientToken));
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'artifacts', Key: key, VersionId: undefined, ChecksumMode: 'ENABLED' });
  });

  it('checks an explicit --version-id exists and fails with ArtifactNotFound when it does not', async () => {
    s3.on(HeadObjectCommand).rejects(awsError('NotFound', 'Not Found'));
    await expect(planFromS3Uri(new S3Client({}), `s3://artifacts/${key}`, 'v-missing')).rejects.toBeInstanceOf(ArtifactNotFound);
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input.VersionId).toBe('v-missing');
  });

  it('rejects URIs that are not S3 URIs or do not follow the key convention', async () => {
    expect(() => parseS3Uri('https://example.com/x')).toThrow(InvalidRelease);
    await expect(planFromS3Uri(new S3Client({}), 's3://artifacts/somewhere/agent.zip')).rejects.toThrow(/key convention/);
  });

  it('turns a manifest into a pinned release request named like the trigger would name that artifact', async () => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v-9', ETag: '"e1"' });
    const manifest = JSON.parse(readFileSync(new URL('../../examples/release-manifest.json', import.meta.url), 'utf8'));
    delete manifest.artifact.versionId;

    const planned = await planFromManifest(new S3Client({}), manifest);

    const artifact = { bucket: manifest.artifact.bucket, key: manifest.artifact.key, version: 'v-9', etag: 'e1' };
    expect(planned.input).toEqual({
      packageName: 'edge-agent',
      versionName: '1.2.0',
      artifact,
      description: manifest.description,
      attributes: manifest.attributes,
      tags: manifest.tags,
      opensearchPackage: 'edge-agent',
      defaultVersionPolicy: 'if-newer',
      clientToken: deriveClientToken(artifact),
    });
    expect(planned.executionName).toBe(executionName('edge-agent', '1.2.0', deriveClientToken(artifact)));
  });

  it('keeps a manifest\'s own clientToken and rejects an invalid manifest before any AWS call', async () => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v-1', ETag: '"e"' });
    const token = 't'.repeat(40);
    const manifest = { manifestVersion: 1, package: 'edge-agent', version: '1.3.0', artifact: { bucket: 'b', key: 'k', versionId: 'v-1' }, clientToken: token };
    const planned = await planFromManifest(new S3Client({}), manifest);
    expect(planned.input.clientToken).toBe(token);
    expect(planned.executionName).toBe(executionName('edge-agent', '1.3.0', token));

    s3.reset();
    await expect(planFromManifest(new S3Client({}), { ...manifest, version: 'has space' })).rejects.toBeInstanceOf(InvalidRelease);
    await expect(planFromManifest(new S3Client({}), { ...manifest, unknown: 1 })).rejects.toBeInstanceOf(InvalidRelease);
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });

  it('starts the execution; ExecutionAlreadyExists means already started', async () => {
    const planned = { executionName: 'edge-agent-1.2.0-abc', input: { packageName: 'edge-agent', versionName: '1.2.0', clientToken: 'x' } };
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: 'arn:exec', startDate: new Date() }).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    await expect(startPlanned(new SFNClient({}), machine, planned)).resolves.toEqual({ status: 'started', executionArn: 'arn:exec' });
    await expect(startPlanned(new SFNClient({}), machine, planned)).resolves.toEqual({ status: 'already-exists' });
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: machine,
      name: planned.executionName,
      input: JSON.stringify(planned.input),
    });
  });
});
