import { AssociateSbomWithPackageVersionCommand, CreatePackageCommand, CreatePackageVersionCommand, DeletePackageVersionCommand, DisassociateSbomFromPackageVersionCommand, GetPackageVersionCommand, type IoTClient, ListSbomValidationResultsCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type Twin } from '../../local/twin';
import { SBOM_LIMITS } from '../../local/twin/iot-sbom/judge';
import { CYCLONEDX, CYCLONEDX_WITHOUT_NAME, SPDX, SPDX_WITHOUT_NAMESPACE, sbomZip } from '../support/sboms';
import { clients, failure, token, waitFor } from './helpers';

/** The SBOM operations of the Software Package Catalog stand-in, through the real SDK v3. */
let twin: Twin;
let iot: IoTClient;
const BUCKET = 'artifacts';

beforeAll(async () => {
  // timeScale 0.005: the 20 s validation takes 100 ms.
  twin = await startTwin({ seed: 3, timeScale: 0.005 });
  iot = clients(twin).iot;
  twin.s3.createBucket(BUCKET);
  await iot.send(new CreatePackageCommand({ packageName: 'fw' }));
  for (const v of ['1.0.0', '1.1.0', '1.2.0', '2.0.0']) await iot.send(new CreatePackageVersionCommand({ packageName: 'fw', versionName: v }));
});
afterAll(async () => {
  iot.destroy();
  await twin.close();
});

function put(key: string, body: Buffer | string): { bucket: string; key: string; version: string } {
  return { bucket: BUCKET, key, version: twin.s3.putObject(BUCKET, key, body).versionId! };
}
const associate = (versionName: string, s3Location: { bucket: string; key: string; version?: string }, clientToken?: string) =>
  iot.send(new AssociateSbomWithPackageVersionCommand({ packageName: 'fw', versionName, sbom: { s3Location }, clientToken }));
const status = async (versionName: string) => (await iot.send(new GetPackageVersionCommand({ packageName: 'fw', versionName }))).sbomValidationStatus;
const settled = (versionName: string) => waitFor(() => status(versionName), (s) => s !== 'IN_PROGRESS', 20_000);
const results = async (versionName: string, validationResult?: 'FAILED' | 'SUCCEEDED') =>
  (await iot.send(new ListSbomValidationResultsCommand({ packageName: 'fw', versionName, validationResult }))).validationResultSummaries;

describe('SBOM validation in the IoT stand-in', () => {
  it('a zip of a CycloneDX and an SPDX document: IN_PROGRESS, then SUCCEEDED, one result per file; GetPackageVersion shows the pinned location', async () => {
    const loc = put('sboms/fw/1.0.0/sbom.zip', sbomZip({ 'bom.cdx.json': CYCLONEDX, 'doc.spdx.json': SPDX }));
    const out = await associate('1.0.0', loc);
    expect(out).toMatchObject({ packageName: 'fw', versionName: '1.0.0', sbom: { s3Location: loc }, sbomValidationStatus: 'IN_PROGRESS' });
    expect(await results('1.0.0')).toEqual([]);
    expect(await settled('1.0.0')).toBe('SUCCEEDED');
    expect(await results('1.0.0')).toEqual([
      { fileName: 'bom.cdx.json', validationResult: 'SUCCEEDED' },
      { fileName: 'doc.spdx.json', validationResult: 'SUCCEEDED' },
    ]);
    expect((await iot.send(new GetPackageVersionCommand({ packageName: 'fw', versionName: '1.0.0' }))).sbom).toEqual({ s3Location: loc });
  });

  it('invalid documents: FAILED, each file with INCOMPATIBLE_FORMAT and what the schema says; the filter lists only the failures', async () => {
    const loc = put('sboms/fw/1.1.0/sbom.zip', sbomZip({ 'a.cdx.json': CYCLONEDX_WITHOUT_NAME, 'b.spdx.json': SPDX_WITHOUT_NAMESPACE, 'c.json': { hello: 'world' }, 'ok.cdx.json': CYCLONEDX, 'notes.txt': new TextEncoder().encode('not json') }));
    await associate('1.1.0', loc);
    expect(await settled('1.1.0')).toBe('FAILED');
    const failed = await results('1.1.0', 'FAILED');
    expect(failed).toEqual([
      { fileName: 'a.cdx.json', validationResult: 'FAILED', errorCode: 'INCOMPATIBLE_FORMAT', errorMessage: expect.stringMatching(/CycloneDX 1\.5.*\/components\/0.*name/) },
      { fileName: 'b.spdx.json', validationResult: 'FAILED', errorCode: 'INCOMPATIBLE_FORMAT', errorMessage: expect.stringMatching(/SPDX 2\.3.*documentNamespace/) },
      { fileName: 'c.json', validationResult: 'FAILED', errorCode: 'INCOMPATIBLE_FORMAT', errorMessage: expect.stringContaining('neither a CycloneDX') },
      { fileName: 'notes.txt', validationResult: 'FAILED', errorCode: 'INCOMPATIBLE_FORMAT', errorMessage: expect.stringContaining('not a JSON document') },
    ]);
    expect(await results('1.1.0', 'SUCCEEDED')).toEqual([{ fileName: 'ok.cdx.json', validationResult: 'SUCCEEDED' }]);
  });

  it('size limits: a document over the per-file limit is FILE_SIZE_LIMIT_EXCEEDED, never inflated; a lone JSON document is judged as one file', async () => {
    const big = new Uint8Array(SBOM_LIMITS.fileBytes + 1).fill(0x20);
    await associate('1.2.0', put('sboms/fw/1.2.0/sbom.zip', sbomZip({ 'big.json': big, 'bom.json': CYCLONEDX })));
    expect(await settled('1.2.0')).toBe('FAILED');
    expect(await results('1.2.0', 'FAILED')).toEqual([{ fileName: 'big.json', validationResult: 'FAILED', errorCode: 'FILE_SIZE_LIMIT_EXCEEDED', errorMessage: expect.stringContaining(`limit is ${SBOM_LIMITS.fileBytes} bytes`) }]);

    await associate('1.2.0', put('sboms/fw/1.2.0/bom.cdx.json', JSON.stringify(CYCLONEDX)));
    expect(await settled('1.2.0')).toBe('SUCCEEDED');
    expect(await results('1.2.0')).toEqual([{ fileName: 'bom.cdx.json', validationResult: 'SUCCEEDED' }]);
  });

  it('the same clientToken and request replays the first answer; another request under it is a ConflictException', async () => {
    const loc = put('sboms/fw/2.0.0/sbom.zip', sbomZip({ 'bom.json': CYCLONEDX }));
    const first = await associate('2.0.0', loc, token('sbom-1'));
    await settled('2.0.0');
    const again = await associate('2.0.0', loc, token('sbom-1'));
    expect(again.sbomValidationStatus).toBe(first.sbomValidationStatus);
    expect(await status('2.0.0')).toBe('SUCCEEDED'); // not validated again
    const other = put('sboms/fw/2.0.0/sbom.zip', sbomZip({ 'bom.json': SPDX }));
    expect((await failure(associate('2.0.0', other, token('sbom-1')))).name).toBe('ConflictException');
  });

  it('the model\'s errors: missing sbom or key is a ValidationException, an object version that does not exist too, a missing version ResourceNotFoundException', async () => {
    const noSbom = await failure(iot.send(new AssociateSbomWithPackageVersionCommand({ packageName: 'fw', versionName: '1.0.0', sbom: undefined as never })));
    expect(noSbom.name).toBe('ValidationException');
    const noKey = await failure(associate('1.0.0', { bucket: BUCKET, key: '' }));
    expect(noKey.name).toBe('ValidationException');
    const noObject = await failure(associate('1.0.0', { bucket: BUCKET, key: 'sboms/fw/1.0.0/sbom.zip', version: 'no-such-version' }));
    expect([noObject.name, noObject.message]).toEqual(['ValidationException', expect.stringContaining('does not exist')]);
    const noVersion = await failure(associate('9.9.9', { bucket: BUCKET, key: 'sboms/fw/1.0.0/sbom.zip' }));
    expect(noVersion.name).toBe('ResourceNotFoundException');
    expect((await failure(iot.send(new ListSbomValidationResultsCommand({ packageName: 'fw', versionName: '9.9.9' })))).name).toBe('ResourceNotFoundException');
    const badFilter = await failure(iot.send(new ListSbomValidationResultsCommand({ packageName: 'fw', versionName: '1.0.0', validationResult: 'MAYBE' as never })));
    expect(badFilter.name).toBe('ValidationException');
    // Nothing changed: 1.0.0 keeps its valid SBOM.
    expect(await status('1.0.0')).toBe('SUCCEEDED');
  });

  it('disassociate removes the SBOM; a version deleted and created again has none', async () => {
    await iot.send(new DisassociateSbomFromPackageVersionCommand({ packageName: 'fw', versionName: '1.1.0' }));
    const v = await iot.send(new GetPackageVersionCommand({ packageName: 'fw', versionName: '1.1.0' }));
    expect([v.sbom, v.sbomValidationStatus]).toEqual([undefined, undefined]);
    expect(await results('1.1.0')).toEqual([]);

    await iot.send(new DeletePackageVersionCommand({ packageName: 'fw', versionName: '1.0.0' }));
    await iot.send(new CreatePackageVersionCommand({ packageName: 'fw', versionName: '1.0.0' }));
    expect(await status('1.0.0')).toBeUndefined();
  });
});
