import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePackageCommand,
  CreatePackageVersionCommand,
  DeletePackageCommand,
  DeletePackageVersionCommand,
  GetPackageCommand,
  GetPackageVersionCommand,
  type IoTClient,
  ListPackagesCommand,
  ListPackageVersionsCommand,
  UpdatePackageCommand,
  UpdatePackageVersionCommand,
} from '@aws-sdk/client-iot';
import { startTwin, type Twin } from '../../local/twin';
import { clients, failure, token } from './helpers';

let twin: Twin;
let iot: IoTClient;

beforeAll(async () => {
  twin = await startTwin({ seed: 7 });
  iot = clients(twin).iot;
});
afterAll(async () => {
  iot.destroy();
  await twin.close();
});

const artifact = { s3Location: { bucket: 'artifacts', key: 'releases/fw/1.0.0/fw.bin', version: 'v-1' } };

describe('IoT stand-in: happy path', () => {
  it('creates, reads, lists, publishes, sets the default, deprecates and deletes', async () => {
    const created = await iot.send(new CreatePackageCommand({ packageName: 'fw', description: 'Firmware', tags: { team: 'edge' } }));
    expect(created.packageArn).toBe('arn:aws:iot:us-east-1:000000000000:package/fw');

    const v = await iot.send(
      new CreatePackageVersionCommand({
        packageName: 'fw',
        versionName: '1.0.0',
        description: 'first',
        attributes: { channel: 'stable' },
        artifact,
        recipe: '{"steps":[]}',
      }),
    );
    expect(v).toMatchObject({ status: 'DRAFT', packageVersionArn: 'arn:aws:iot:us-east-1:000000000000:package/fw/version/1.0.0', attributes: { channel: 'stable' } });

    const got = await iot.send(new GetPackageVersionCommand({ packageName: 'fw', versionName: '1.0.0' }));
    expect(got).toMatchObject({ status: 'DRAFT', artifact, attributes: { channel: 'stable' }, description: 'first', recipe: '{"steps":[]}' });
    expect(got.creationDate).toBeInstanceOf(Date);
    expect(Math.abs(got.creationDate!.getTime() - Date.now())).toBeLessThan(5000);

    await iot.send(new CreatePackageVersionCommand({ packageName: 'fw', versionName: '1.1.0', artifact }));
    const page1 = await iot.send(new ListPackageVersionsCommand({ packageName: 'fw', maxResults: 1 }));
    expect(page1.packageVersionSummaries?.map((s) => s.versionName)).toEqual(['1.0.0']);
    const page2 = await iot.send(new ListPackageVersionsCommand({ packageName: 'fw', maxResults: 1, nextToken: page1.nextToken }));
    expect(page2.packageVersionSummaries?.map((s) => s.versionName)).toEqual(['1.1.0']);
    expect(page2.nextToken).toBeUndefined();

    await iot.send(new UpdatePackageVersionCommand({ packageName: 'fw', versionName: '1.0.0', action: 'PUBLISH' }));
    await iot.send(new UpdatePackageVersionCommand({ packageName: 'fw', versionName: '1.0.0', action: 'PUBLISH' })); // no-op
    const published = await iot.send(new ListPackageVersionsCommand({ packageName: 'fw', status: 'PUBLISHED' }));
    expect(published.packageVersionSummaries?.map((s) => s.versionName)).toEqual(['1.0.0']);

    await iot.send(new UpdatePackageCommand({ packageName: 'fw', defaultVersionName: '1.0.0' }));
    const pkg = await iot.send(new GetPackageCommand({ packageName: 'fw' }));
    expect(pkg).toMatchObject({ packageName: 'fw', defaultVersionName: '1.0.0', description: 'Firmware' });

    await iot.send(new UpdatePackageVersionCommand({ packageName: 'fw', versionName: '1.0.0', action: 'DEPRECATE' }));
    expect((await iot.send(new GetPackageVersionCommand({ packageName: 'fw', versionName: '1.0.0' }))).status).toBe('DEPRECATED');
    await iot.send(new UpdatePackageVersionCommand({ packageName: 'fw', versionName: '1.0.0', action: 'PUBLISH' })); // re-publish
    expect((await iot.send(new GetPackageVersionCommand({ packageName: 'fw', versionName: '1.0.0' }))).status).toBe('PUBLISHED');

    expect(twin.catalog().iot.fw).toEqual({
      defaultVersion: '1.0.0',
      versions: { '1.0.0': { status: 'PUBLISHED', artifact }, '1.1.0': { status: 'DRAFT', artifact } },
    });

    const list = await iot.send(new ListPackagesCommand({}));
    expect(list.packageSummaries?.map((s) => [s.packageName, s.defaultVersionName])).toContainEqual(['fw', '1.0.0']);

    // Deleting the default version is refused until the default is unset.
    const e = await failure(iot.send(new DeletePackageVersionCommand({ packageName: 'fw', versionName: '1.0.0' })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
    await iot.send(new UpdatePackageCommand({ packageName: 'fw', unsetDefaultVersion: true }));
    expect((await iot.send(new GetPackageCommand({ packageName: 'fw' }))).defaultVersionName).toBeUndefined();

    // A package with versions cannot be deleted.
    const e2 = await failure(iot.send(new DeletePackageCommand({ packageName: 'fw' })));
    expect([e2.name, e2.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
    await iot.send(new DeletePackageVersionCommand({ packageName: 'fw', versionName: '1.0.0' }));
    await iot.send(new DeletePackageVersionCommand({ packageName: 'fw', versionName: '1.1.0' }));
    await iot.send(new DeletePackageVersionCommand({ packageName: 'fw', versionName: '1.1.0' })); // idempotent
    await iot.send(new DeletePackageCommand({ packageName: 'fw' }));
    const gone = await failure(iot.send(new GetPackageCommand({ packageName: 'fw' })));
    expect([gone.name, gone.$metadata.httpStatusCode]).toEqual(['ResourceNotFoundException', 404]);
  });

  it('paginates ListPackages', async () => {
    for (const p of ['page-a', 'page-b', 'page-c']) await iot.send(new CreatePackageCommand({ packageName: p }));
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await iot.send(new ListPackagesCommand({ maxResults: 2, nextToken }));
      expect(page.packageSummaries!.length).toBeLessThanOrEqual(2);
      names.push(...page.packageSummaries!.map((s) => s.packageName!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(names.filter((n) => n.startsWith('page-'))).toEqual(['page-a', 'page-b', 'page-c']);
  });
});

describe('IoT stand-in: model constraints → ValidationException 400 naming the member', () => {
  beforeAll(async () => {
    await iot.send(new CreatePackageCommand({ packageName: 'val' }));
  });
  const version = (extra: Record<string, unknown>) =>
    new CreatePackageVersionCommand({ packageName: 'val', versionName: 'ok', ...extra } as never);
  const manyTags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
  const cases: [string, () => unknown, string][] = [
    ['packageName too long', () => new CreatePackageCommand({ packageName: 'p'.repeat(129) }), 'packageName'],
    ['packageName pattern', () => new CreatePackageCommand({ packageName: 'bad name!' }), 'packageName'],
    ['versionName too long', () => new CreatePackageVersionCommand({ packageName: 'val', versionName: 'v'.repeat(65) }), 'versionName'],
    ['versionName pattern', () => new CreatePackageVersionCommand({ packageName: 'val', versionName: '1.0/2' }), 'versionName'],
    ['description control char', () => version({ description: 'bell\u0007' }), 'description'],
    ['description too long', () => version({ description: 'd'.repeat(1025) }), 'description'],
    ['attribute key pattern', () => version({ attributes: { 'bad key': 'v' } }), 'attributes.key'],
    ['attribute value empty', () => version({ attributes: { k: '' } }), 'attributes.k'],
    ['attribute value control char', () => version({ attributes: { k: 'a\nb' } }), 'attributes.k'],
    ['attributes over 3 KB', () => version({ attributes: { a: 'x'.repeat(2000), b: 'y'.repeat(1100) } }), 'attributes'],
    ['no tags', () => version({ tags: {} }), 'tags'],
    ['51 tags', () => version({ tags: manyTags }), 'tags'],
    ['tag key too long', () => version({ tags: { ['k'.repeat(129)]: 'v' } }), 'tags.key'],
    ['tag value too long', () => version({ tags: { k: 'v'.repeat(257) } }), 'tags.k'],
    ['recipe too long', () => version({ recipe: 'r'.repeat(3073) }), 'recipe'],
    ['clientToken too short', () => version({ clientToken: 'short' }), 'clientToken'],
    ['artifact without key', () => version({ artifact: { s3Location: { bucket: 'b' } } }), 'artifact.s3Location.key'],
    ['unknown action', () => new UpdatePackageVersionCommand({ packageName: 'val', versionName: 'ok', action: 'SHIP' as never }), 'action'],
    ['default + unset', () => new UpdatePackageCommand({ packageName: 'val', defaultVersionName: 'ok', unsetDefaultVersion: true }), 'defaultVersionName'],
    ['maxResults out of range', () => new ListPackagesCommand({ maxResults: 101 }), 'maxResults'],
  ];
  it.each(cases)('%s', async (_, command, member) => {
    const e = await failure(iot.send(command() as never));
    expect(e.name).toBe('ValidationException');
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect(e.message).toContain(`'${member}'`);
  });

  it('accepts values right at the limits', async () => {
    await iot.send(
      version({
        versionName: 'v'.repeat(64),
        description: 'd'.repeat(1024),
        attributes: { a: 'x'.repeat(2000), b: 'y'.repeat(1070) }, // 1 + 2000 + 1 + 1070 = 3072 bytes
        tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])),
        recipe: 'r'.repeat(3072),
      }),
    );
  });
});

describe('IoT stand-in: conflicts, lifecycle rules and clientToken replay', () => {
  beforeAll(async () => {
    await iot.send(new CreatePackageCommand({ packageName: 'life' }));
  });

  it('CreatePackageVersion on a missing package → ResourceNotFoundException 404', async () => {
    const e = await failure(iot.send(new CreatePackageVersionCommand({ packageName: 'nope', versionName: '1' })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ResourceNotFoundException', 404]);
  });

  it('an existing version name → ConflictException 409 with resourceId', async () => {
    await iot.send(new CreatePackageVersionCommand({ packageName: 'life', versionName: 'dup', artifact }));
    const e = await failure(iot.send(new CreatePackageVersionCommand({ packageName: 'life', versionName: 'dup', artifact })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ConflictException', 409]);
    expect(e.resourceId).toBe('arn:aws:iot:us-east-1:000000000000:package/life/version/dup');
  });

  it('same clientToken + same request → the first response, nothing applied again', async () => {
    const input = { packageName: 'life', versionName: 'tok', artifact, description: 'once', clientToken: token(1) };
    const first = await iot.send(new CreatePackageVersionCommand(input));
    const before = await iot.send(new GetPackageVersionCommand({ packageName: 'life', versionName: 'tok' }));
    await new Promise((r) => setTimeout(r, 5));
    const again = await iot.send(new CreatePackageVersionCommand(input));
    const { $metadata: _a, ...firstBody } = first;
    const { $metadata: _b, ...againBody } = again;
    expect(againBody).toEqual(firstBody);
    const after = await iot.send(new GetPackageVersionCommand({ packageName: 'life', versionName: 'tok' }));
    expect(after.lastModifiedDate).toEqual(before.lastModifiedDate);
    expect(twin.calls()['iot:CreatePackageVersion']!.succeeded).toBeGreaterThanOrEqual(2);
  });

  it('same clientToken + different request → ConflictException 409', async () => {
    const e = await failure(
      iot.send(new CreatePackageVersionCommand({ packageName: 'life', versionName: 'tok', artifact, description: 'changed', clientToken: token(1) })),
    );
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ConflictException', 409]);
  });

  it('tokens are scoped per operation and resource', async () => {
    // The same token on another operation / resource is a new request.
    await iot.send(new UpdatePackageVersionCommand({ packageName: 'life', versionName: 'tok', action: 'PUBLISH', clientToken: token(1) }));
    await iot.send(new CreatePackageVersionCommand({ packageName: 'life', versionName: 'tok2', artifact, clientToken: token(1) }));
    // Replaying the publish after a later deprecation changes nothing.
    await iot.send(new UpdatePackageVersionCommand({ packageName: 'life', versionName: 'tok', action: 'DEPRECATE' }));
    await iot.send(new UpdatePackageVersionCommand({ packageName: 'life', versionName: 'tok', action: 'PUBLISH', clientToken: token(1) }));
    expect((await iot.send(new GetPackageVersionCommand({ packageName: 'life', versionName: 'tok' }))).status).toBe('DEPRECATED');
  });

  it('only PUBLISHED or DEPRECATED versions can be the default', async () => {
    await iot.send(new CreatePackageVersionCommand({ packageName: 'life', versionName: 'draft' }));
    const e = await failure(iot.send(new UpdatePackageCommand({ packageName: 'life', defaultVersionName: 'draft' })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ConflictException', 409]);
    const missing = await failure(iot.send(new UpdatePackageCommand({ packageName: 'life', defaultVersionName: 'ghost' })));
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['ResourceNotFoundException', 404]);
    await iot.send(new UpdatePackageCommand({ packageName: 'life', defaultVersionName: 'tok' })); // DEPRECATED is allowed
    expect((await iot.send(new GetPackageCommand({ packageName: 'life' }))).defaultVersionName).toBe('tok');
  });

  it('DRAFT cannot be deprecated; attributes change only in DRAFT', async () => {
    const e = await failure(iot.send(new UpdatePackageVersionCommand({ packageName: 'life', versionName: 'draft', action: 'DEPRECATE' })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ConflictException', 409]);
    await iot.send(new UpdatePackageVersionCommand({ packageName: 'life', versionName: 'draft', attributes: { a: 'b' }, action: 'PUBLISH' }));
    const v = await iot.send(new GetPackageVersionCommand({ packageName: 'life', versionName: 'draft' }));
    expect([v.status, v.attributes]).toEqual(['PUBLISHED', { a: 'b' }]);
    const e2 = await failure(iot.send(new UpdatePackageVersionCommand({ packageName: 'life', versionName: 'draft', attributes: { a: 'c' } })));
    expect([e2.name, e2.$metadata.httpStatusCode]).toEqual(['ConflictException', 409]);
    await iot.send(new UpdatePackageVersionCommand({ packageName: 'life', versionName: 'draft', description: 'fine when published' }));
  });

  it('a version of a missing package → ResourceNotFoundException 404', async () => {
    const e = await failure(iot.send(new GetPackageVersionCommand({ packageName: 'life', versionName: 'ghost' })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ResourceNotFoundException', 404]);
  });
});
