import { CreatePackageCommand, CreatePackageVersionCommand, GetIndexingConfigurationCommand, IoTClient, ResourceNotFoundException, ValidationException } from '@aws-sdk/client-iot';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { FleetIndexingDisabled } from '../../lib/release/errors';
import { redriveAdvice } from '../../lib/release/redrive-policy';
import { createVersion } from '../../lib/release/steps/create-version';
import { release } from '../fixtures/release';
import { failure } from '../twin/helpers';

const iot = mockClient(IoTClient);
const deps = () => ({ iot: new IoTClient({}), s3: new S3Client({}) });
/** What the IoT models let CreatePackage / CreatePackageVersion answer; the text is the twin's (AWS does not document it). */
const refused = (message = 'Fleet indexing must be enabled to use Software Package Catalog: thing indexing is OFF in this account') =>
  new ValidationException({ message, $metadata: { httpStatusCode: 400 } });

describe('createVersion while the account has fleet indexing off', () => {
  beforeEach(() => iot.reset());

  it('CreatePackageVersion refused, thing indexing OFF: FleetIndexingDisabled saying what to change and that a redrive follows', async () => {
    iot.on(CreatePackageVersionCommand).rejects(refused());
    iot.on(GetIndexingConfigurationCommand).resolves({ thingIndexingConfiguration: { thingIndexingMode: 'OFF' } });

    const error = await failure(createVersion(release(), deps()));

    expect(error).toBeInstanceOf(FleetIndexingDisabled);
    expect(error.name).toBe('FleetIndexingDisabled');
    expect((error as unknown as FleetIndexingDisabled).retryable).toBe(false);
    expect(error.message).toContain('pkgrelease doctor --fix-indexing');
    expect(error.message).toContain('thingIndexingMode is OFF');
    expect(error.message).toContain('filter.namedShadowNames has no $package');
    expect(error.message).toContain('redrive');
    expect(error.message).toContain('creating edge-agent@1.2.0');
    expect(redriveAdvice(error.name)).toEqual({ redrivable: true, action: expect.stringContaining('--fix-indexing') });
  });

  it('CreatePackage refused for a new package: the same named error, and nothing else is tried', async () => {
    iot.on(CreatePackageVersionCommand).rejects(new ResourceNotFoundException({ message: 'no such package', $metadata: {} }));
    iot.on(CreatePackageCommand).rejects(refused());
    iot.on(GetIndexingConfigurationCommand).resolves({ thingIndexingConfiguration: { thingIndexingMode: 'OFF' } });

    await expect(createVersion(release(), deps())).rejects.toBeInstanceOf(FleetIndexingDisabled);
    expect(iot.commandCalls(CreatePackageVersionCommand)).toHaveLength(1);
  });

  it('a ValidationException with thing indexing on is not blamed on indexing: it passes unchanged', async () => {
    iot.on(CreatePackageVersionCommand).rejects(refused('recipe is not valid JSON'));
    iot.on(GetIndexingConfigurationCommand).resolves({ thingIndexingConfiguration: { thingIndexingMode: 'REGISTRY_AND_SHADOW', namedShadowIndexingMode: 'ON' } });

    const error = await failure(createVersion(release(), deps()));
    expect(error.name).toBe('ValidationException');
  });

  it('the indexing configuration cannot be read: decided by the message', async () => {
    iot.on(CreatePackageVersionCommand).rejectsOnce(refused()).rejects(refused('description has a control character'));
    iot.on(GetIndexingConfigurationCommand).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));

    await expect(createVersion(release(), deps())).rejects.toBeInstanceOf(FleetIndexingDisabled);
    expect((await failure(createVersion(release(), deps()))).name).toBe('ValidationException');
  });
});
