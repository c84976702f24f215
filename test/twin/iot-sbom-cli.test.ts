import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type Twin } from '../../local/twin';
import { awsCli } from '../support/aws-cli';
import { CYCLONEDX, CYCLONEDX_WITHOUT_NAME, sbomZip } from '../support/sboms';

/** The SBOM operations as the real AWS CLI v1 (botocore) calls and parses them. */
let twin: Twin;
const cli = (...args: string[]) => awsCli(['iot', ...args], { endpoints: twin.endpoints, env: { AWS_REGION: twin.region } });
const BUCKET = 'artifacts';

beforeAll(async () => {
  twin = await startTwin({ seed: 5, timeScale: 0.005 });
  twin.s3.createBucket(BUCKET);
  expect((await cli('create-package', '--package-name', 'fw')).code).toBe(0);
  for (const v of ['1.0.0', '1.1.0']) expect((await cli('create-package-version', '--package-name', 'fw', '--version-name', v)).code).toBe(0);
});
afterAll(async () => {
  await twin.close();
});

/** Waits in the twin (each CLI start costs a second), then reads the status with the CLI. */
async function settled(version: string): Promise<string> {
  for (let i = 0; i < 200 && twin.catalog().sboms[`fw/${version}`]?.status === 'IN_PROGRESS'; i++) await new Promise((r) => setTimeout(r, 50));
  const got = await cli('get-package-version', '--package-name', 'fw', '--version-name', version);
  expect(got.code, got.stderr).toBe(0);
  return (got.json as { sbomValidationStatus?: string }).sbomValidationStatus ?? 'none';
}

describe('SBOM operations with the AWS CLI v1', () => {
  it('associate-sbom-with-package-version (shorthand s3Location), get-package-version, list-sbom-validation-results: a valid SBOM SUCCEEDED', async () => {
    const v = twin.s3.putObject(BUCKET, 'sboms/fw/1.0.0/sbom.zip', sbomZip({ 'bom.cdx.json': CYCLONEDX })).versionId!;
    const r = await cli('associate-sbom-with-package-version', '--package-name', 'fw', '--version-name', '1.0.0', '--sbom', `s3Location={bucket=${BUCKET},key=sboms/fw/1.0.0/sbom.zip,version=${v}}`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toEqual({ packageName: 'fw', versionName: '1.0.0', sbom: { s3Location: { bucket: BUCKET, key: 'sboms/fw/1.0.0/sbom.zip', version: v } }, sbomValidationStatus: 'IN_PROGRESS' });
    expect(await settled('1.0.0')).toBe('SUCCEEDED');
    const list = await cli('list-sbom-validation-results', '--package-name', 'fw', '--version-name', '1.0.0');
    expect(list.code, list.stderr).toBe(0);
    expect(list.json).toEqual({ validationResultSummaries: [{ fileName: 'bom.cdx.json', validationResult: 'SUCCEEDED' }] });
  });

  it('an invalid SBOM: FAILED, and --validation-result FAILED lists the file with its error code and message (paginated by the CLI)', async () => {
    const v = twin.s3.putObject(BUCKET, 'sboms/fw/1.1.0/sbom.zip', sbomZip({ 'a.json': CYCLONEDX_WITHOUT_NAME, 'b.json': CYCLONEDX_WITHOUT_NAME, 'c.json': CYCLONEDX })).versionId!;
    const r = await cli('associate-sbom-with-package-version', '--package-name', 'fw', '--version-name', '1.1.0', '--sbom', JSON.stringify({ s3Location: { bucket: BUCKET, key: 'sboms/fw/1.1.0/sbom.zip', version: v } }));
    expect(r.code, r.stderr).toBe(0);
    expect(await settled('1.1.0')).toBe('FAILED');
    const list = await cli('list-sbom-validation-results', '--package-name', 'fw', '--version-name', '1.1.0', '--validation-result', 'FAILED', '--page-size', '1');
    expect(list.code, list.stderr).toBe(0);
    const summaries = (list.json as { validationResultSummaries: { fileName: string; errorCode: string; errorMessage: string }[] }).validationResultSummaries;
    expect(summaries.map((s) => [s.fileName, s.errorCode])).toEqual([['a.json', 'INCOMPATIBLE_FORMAT'], ['b.json', 'INCOMPATIBLE_FORMAT']]);
    expect(summaries[0]!.errorMessage).toContain('/components/0');
  });

  it('a version that does not exist: ResourceNotFoundException, exit code 255 (a client error); disassociate-sbom-from-package-version removes the SBOM', async () => {
    const missing = await cli('associate-sbom-with-package-version', '--package-name', 'fw', '--version-name', '9.9.9', '--sbom', `s3Location={bucket=${BUCKET},key=sboms/fw/1.0.0/sbom.zip}`);
    expect(missing.code).toBe(255);
    expect(missing.stderr).toContain('ResourceNotFoundException');
    const gone = await cli('disassociate-sbom-from-package-version', '--package-name', 'fw', '--version-name', '1.0.0');
    expect(gone.code, gone.stderr).toBe(0);
    const got = await cli('get-package-version', '--package-name', 'fw', '--version-name', '1.0.0');
    expect(got.json).not.toHaveProperty('sbomValidationStatus');
  });
});
