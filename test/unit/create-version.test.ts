import {
  ConflictException,
  CreatePackageCommand,
  CreatePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  IoTClient,
  ResourceNotFoundException,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { VersionConflict } from '../../lib/release/errors';
import { createVersion } from '../../lib/release/steps/create-version';
import { release } from '../fixtures/release';

const iot = mockClient(IoTClient);
const conflict = () => new ConflictException({ message: 'version exists', $metadata: {} });
const notFound = () => new ResourceNotFoundException({ message: 'no such package', $metadata: {} });

describe('createVersion', () => {
  beforeEach(() => iot.reset());

  it('creates the package when missing, then a DRAFT version pinned to the S3 object version', async () => {
    iot.on(GetPackageCommand).rejects(notFound());
    iot.on(CreatePackageCommand).resolves({ packageName: 'edge-agent' });
    iot.on(CreatePackageVersionCommand).resolves({ packageVersionArn: 'arn:v', status: 'DRAFT' });
    const r = release({ attributes: { build: '42' }, tags: { team: 'edge' } });

    const result = await createVersion(r, new IoTClient({}));

    expect(result).toEqual({ outcome: 'created', versionArn: 'arn:v', status: 'DRAFT' });
    expect(iot.commandCalls(CreatePackageCommand)[0]!.args[0].input).toMatchObject({ packageName: 'edge-agent', clientToken: r.clientToken });
    expect(iot.commandCalls(CreatePackageVersionCommand)[0]!.args[0].input).toEqual({
      packageName: 'edge-agent',
      versionName: '1.2.0',
      clientToken: r.clientToken,
      attributes: { build: '42' },
      tags: { team: 'edge' },
      artifact: { s3Location: { bucket: r.artifact.bucket, key: r.artifact.key, version: 'v-abc123' } },
    });
  });

  it('does not create the package when it exists', async () => {
    iot.on(GetPackageCommand).resolves({ packageName: 'edge-agent' });
    iot.on(CreatePackageVersionCommand).resolves({ packageVersionArn: 'arn:v', status: 'DRAFT' });
    await createVersion(release(), new IoTClient({}));
    expect(iot.commandCalls(CreatePackageCommand)).toHaveLength(0);
  });

  it('converges when the version already exists with the same artifact (an earlier attempt)', async () => {
    const r = release();
    iot.on(GetPackageCommand).resolves({ packageName: 'edge-agent' });
    iot.on(CreatePackageVersionCommand).rejects(conflict());
    iot.on(GetPackageVersionCommand).resolves({
      packageVersionArn: 'arn:v',
      status: 'PUBLISHED',
      artifact: { s3Location: { bucket: r.artifact.bucket, key: r.artifact.key, version: r.artifact.version } },
    });

    await expect(createVersion(r, new IoTClient({}))).resolves.toEqual({ outcome: 'existing', versionArn: 'arn:v', status: 'PUBLISHED' });
  });

  it('fails with VersionConflict, writing nothing more, when the version exists with another artifact', async () => {
    const r = release();
    iot.on(GetPackageCommand).resolves({ packageName: 'edge-agent' });
    iot.on(CreatePackageVersionCommand).rejects(conflict());
    iot.on(GetPackageVersionCommand).resolves({
      status: 'PUBLISHED',
      artifact: { s3Location: { bucket: r.artifact.bucket, key: r.artifact.key, version: 'someone-elses-version' } },
    });

    const error = await createVersion(r, new IoTClient({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflict);
    expect((error as Error).name).toBe('VersionConflict');
    expect((error as Error).message).toMatch(/never overwritten.*new version name/);
    expect(iot.commandCalls(CreatePackageVersionCommand)).toHaveLength(1);
    expect(iot.commandCalls(UpdatePackageVersionCommand)).toHaveLength(0);
  });

  it('tolerates a concurrent release creating the package first', async () => {
    iot.on(GetPackageCommand).rejects(notFound());
    iot.on(CreatePackageCommand).rejects(conflict());
    iot.on(CreatePackageVersionCommand).resolves({ packageVersionArn: 'arn:v', status: 'DRAFT' });
    await expect(createVersion(release(), new IoTClient({}))).resolves.toMatchObject({ outcome: 'created' });
  });
});
