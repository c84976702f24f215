import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatePackageCommand, CreatePackageVersionCommand, GetPackageCommand, GetPackageVersionCommand, type IoTClient, UpdatePackageCommand, UpdatePackageVersionCommand } from '@aws-sdk/client-iot';
import { CreateBucketCommand, DeleteObjectCommand, PutBucketVersioningCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startTwin, type Twin } from '../../local/twin';
import { rollBackCatalog } from '../../lib/release/rollback/catalog';
import { validateRollback } from '../../lib/release/rollback/validate';
import { acquireLease, openSearchLeaseKey } from '../../lib/release/lease';
import { moveHead } from '../../lib/release/rollback/epoch';
import { clients, token, useDynamoTwin } from './helpers';

/** The IoT and S3 side of a rollback against the twin, through the real SDK. */
const db = useDynamoTwin('rollback-catalog-leases');
let twin: Twin;
let iot: IoTClient;
let s3: S3Client;
let n = 0;

beforeAll(async () => {
  twin = await startTwin({ seed: 21 });
  ({ iot, s3 } = clients(twin));
  await s3.send(new CreateBucketCommand({ Bucket: 'artifacts' }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: 'artifacts', VersioningConfiguration: { Status: 'Enabled' } }));
});
afterAll(async () => {
  iot.destroy();
  s3.destroy();
  await twin.close();
});

/** A package with the given versions PUBLISHED (pinned S3 versions), default on the newest. */
async function packageWith(versions: string[]): Promise<{ packageName: string; s3Versions: Record<string, string> }> {
  const packageName = `fw-${++n}`;
  await iot.send(new CreatePackageCommand({ packageName, clientToken: token(`p${n}`) }));
  const s3Versions: Record<string, string> = {};
  for (const v of versions) {
    const key = `releases/${packageName}/${v}/fw.bin`;
    const put = await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: key, Body: `bytes of ${v}` }));
    s3Versions[v] = put.VersionId!;
    await iot.send(new CreatePackageVersionCommand({ packageName, versionName: v, artifact: { s3Location: { bucket: 'artifacts', key, version: put.VersionId! } }, clientToken: token(`${n}-${v}`) }));
    await iot.send(new UpdatePackageVersionCommand({ packageName, versionName: v, action: 'PUBLISH', clientToken: token(`${n}-${v}-pub`) }));
    await iot.send(new UpdatePackageCommand({ packageName, defaultVersionName: v, clientToken: token(`${n}-${v}-def`) }));
  }
  return { packageName, s3Versions };
}

const status = async (packageName: string, versionName: string) => (await iot.send(new GetPackageVersionCommand({ packageName, versionName }))).status;

describe('rollback: validate the target, then default and deprecations', () => {
  it('plans a rollback to an older PUBLISHED version: its pinned bytes, the head, the versions above', async () => {
    const { packageName, s3Versions } = await packageWith(['1.0.0', '1.1.0', '1.2.0']);
    const plan = await validateRollback({ packageName, targetVersion: '1.0.0' }, iot, s3);
    expect(plan).toMatchObject({
      target: { versionName: '1.0.0', bucket: 'artifacts', key: `releases/${packageName}/1.0.0/fw.bin`, version: s3Versions['1.0.0'] },
      head: '1.2.0',
      above: ['1.1.0', '1.2.0'],
    });
  });

  it('refuses the head, a newer or unknown target (RollbackTargetInvalid) and a deleted artifact version (RollbackTargetGone)', async () => {
    const { packageName, s3Versions } = await packageWith(['1.0.0', '1.1.0']);
    await expect(validateRollback({ packageName, targetVersion: '1.1.0' }, iot, s3)).rejects.toMatchObject({ name: 'RollbackTargetInvalid' });
    await expect(validateRollback({ packageName, targetVersion: '9.9.9' }, iot, s3)).rejects.toMatchObject({ name: 'RollbackTargetInvalid' });
    await s3.send(new DeleteObjectCommand({ Bucket: 'artifacts', Key: `releases/${packageName}/1.0.0/fw.bin`, VersionId: s3Versions['1.0.0'] }));
    await expect(validateRollback({ packageName, targetVersion: '1.0.0' }, iot, s3)).rejects.toMatchObject({ name: 'RollbackTargetGone' });
    expect(await status(packageName, '1.1.0')).toBe('PUBLISHED');
  });

  it('plans against the head in force: a rollback that moved it bars the versions above, even while they are still PUBLISHED', async () => {
    const { packageName } = await packageWith(['1.0.0', '1.1.0', '1.2.0', '1.3.0']);
    // Another rollback moved the head to 1.1.0 (epoch 1); its catalog step has not deprecated 1.2.0 and 1.3.0 yet.
    const head = { epoch: 1, head: '1.1.0', barredThrough: '1.3.0', token: 'other' };
    await expect(validateRollback({ packageName, targetVersion: '1.2.0' }, iot, s3, head)).rejects.toMatchObject({ name: 'RollbackTargetInvalid', message: expect.stringContaining('not older than the head (1.1.0)') });
    expect(await validateRollback({ packageName, targetVersion: '1.0.0' }, iot, s3, head)).toMatchObject({ head: '1.1.0', above: ['1.1.0', '1.2.0', '1.3.0'], headEpoch: 1 });
    // A forward release above the barred ones is the head again.
    expect(await validateRollback({ packageName, targetVersion: '1.1.0' }, iot, s3, { ...head, barredThrough: '1.2.0' })).toMatchObject({ head: '1.3.0', headEpoch: 1 });
  });

  it('moves the default to the target, deprecates the versions above; run again it changes nothing', async () => {
    const { packageName } = await packageWith(['1.0.0', '1.1.0']);
    const request = { packageName, opensearch: { packageName: 'dict' }, rollbackToken: token('rb-1') };
    const plan = await validateRollback({ packageName, targetVersion: '1.0.0' }, iot, s3);

    expect(await rollBackCatalog(request, plan, { iot })).toEqual({ defaultVersion: '1.0.0', defaultChanged: true, deprecated: ['1.1.0'] });
    expect((await iot.send(new GetPackageCommand({ packageName }))).defaultVersionName).toBe('1.0.0');
    expect(await status(packageName, '1.1.0')).toBe('DEPRECATED');

    expect(await rollBackCatalog(request, plan, { iot })).toEqual({ defaultVersion: '1.0.0', defaultChanged: false, deprecated: [] });
  });

  it('a newer release that went forward meanwhile keeps the default: already its default, or PUBLISHED before this step ran', async () => {
    // Planned against head 1.1.0; then 1.2.0 was released (PUBLISHED, default) before RollBackCatalog ran.
    const { packageName } = await packageWith(['1.0.0', '1.1.0']);
    const plan = await validateRollback({ packageName, targetVersion: '1.0.0' }, iot, s3);
    await publish(packageName, '1.2.0', true);
    expect(await rollBackCatalog({ packageName, opensearch: { packageName: 'dict' }, rollbackToken: token('rb-2') }, plan, { iot })).toEqual({ defaultVersion: '1.2.0', defaultChanged: false, deprecated: ['1.1.0'], forward: '1.2.0' });
    expect(await status(packageName, '1.2.0')).toBe('PUBLISHED');

    // 1.2.0 PUBLISHED, its Promote's default move not made yet (or lost to this step's): the default goes to 1.2.0, never back to 1.0.0.
    const other = await packageWith(['1.0.0', '1.1.0']);
    const planned = await validateRollback({ packageName: other.packageName, targetVersion: '1.0.0' }, iot, s3);
    await publish(other.packageName, '1.2.0', false);
    expect(await rollBackCatalog({ packageName: other.packageName, opensearch: { packageName: 'dict' }, rollbackToken: token('rb-3') }, planned, { iot })).toMatchObject({ defaultVersion: '1.2.0', defaultChanged: true, forward: '1.2.0' });
    expect((await iot.send(new GetPackageCommand({ packageName: other.packageName }))).defaultVersionName).toBe('1.2.0');
  });

  it('a rollback whose head another rollback replaced since leaves the default to that one (its deprecations still apply)', async () => {
    const { packageName } = await packageWith(['1.0.0', '1.1.0', '1.2.0']);
    const plan = await validateRollback({ packageName, targetVersion: '1.1.0' }, iot, s3);
    const lease = { dynamodb: db.client, table: 'rollback-catalog-leases', ttlSeconds: 60 };
    await moveHead(lease, await acquireLease(lease, openSearchLeaseKey(`${packageName}-dict`), 'other', 'other'), { head: '1.0.0', barredThrough: '1.2.0', token: 'the-other' });
    await iot.send(new UpdatePackageCommand({ packageName, defaultVersionName: '1.0.0', clientToken: token(`${packageName}-other-default`) }));
    const result = await rollBackCatalog({ packageName, opensearch: { packageName: `${packageName}-dict` }, rollbackToken: token('rb-4') }, plan, { iot, lease });
    expect(result).toEqual({ defaultVersion: '1.0.0', defaultChanged: false, replacedBy: '1.0.0', deprecated: ['1.2.0'] });
    expect((await iot.send(new GetPackageCommand({ packageName }))).defaultVersionName).toBe('1.0.0');
  });

  it('a default on a version the head in force bars is no release going forward: the later of two rollbacks still moves it to its target', async () => {
    const { packageName } = await packageWith(['1.0.0', '1.8.0', '1.9.0']);
    const lease = { dynamodb: db.client, table: 'rollback-catalog-leases', ttlSeconds: 60 };
    const rollbackToken = token('rb-5');
    // This rollback, planned against 1.8.0 (the first one's head), moved the head to 1.0.0; the bound stays 1.9.0.
    await moveHead(lease, await acquireLease(lease, openSearchLeaseKey(`${packageName}-dict`), 'this', 'this'), { head: '1.0.0', barredThrough: '1.9.0', token: rollbackToken });
    const plan = { ...(await validateRollback({ packageName, targetVersion: '1.0.0' }, iot, s3)), head: '1.8.0' };
    const result = await rollBackCatalog({ packageName, opensearch: { packageName: `${packageName}-dict` }, rollbackToken }, plan, { iot, lease });
    expect(result).toMatchObject({ defaultVersion: '1.0.0', defaultChanged: true });
    expect(result.forward).toBeUndefined();
  });
});

/** Publishes `versionName` of an existing package (its release's Promote), optionally making it the default. */
async function publish(packageName: string, versionName: string, asDefault: boolean): Promise<void> {
  const key = `releases/${packageName}/${versionName}/fw.bin`;
  const put = await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: key, Body: `bytes of ${versionName}` }));
  await iot.send(new CreatePackageVersionCommand({ packageName, versionName, artifact: { s3Location: { bucket: 'artifacts', key, version: put.VersionId! } }, clientToken: token(`${packageName}-${versionName}`) }));
  await iot.send(new UpdatePackageVersionCommand({ packageName, versionName, action: 'PUBLISH', clientToken: token(`${packageName}-${versionName}-pub`) }));
  if (asDefault) await iot.send(new UpdatePackageCommand({ packageName, defaultVersionName: versionName, clientToken: token(`${packageName}-${versionName}-def`) }));
}
