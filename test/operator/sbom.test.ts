import { AssociateSbomWithPackageVersionCommand, CreatePackageCommand, CreatePackageVersionCommand, type IoTClient } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSbomReport } from '../../cli/operator/sbom';
import { sbomReport } from '../../lib/operations/sbom';
import { redriveAdvice } from '../../lib/release/redrive-policy';
import { startTwin, type Twin } from '../../local/twin';
import { pkgrelease } from '../cli/helpers';
import { CYCLONEDX, CYCLONEDX_WITHOUT_NAME, sbomZip } from '../support/sboms';
import { clients } from '../twin/helpers';

/** `pkgrelease sbom <package> <version>` against the twin through the real SDK. */
let twin: Twin;
let iot: IoTClient;

beforeAll(async () => {
  twin = await startTwin({ seed: 11, timeScale: 0.001 });
  iot = clients(twin).iot;
  twin.s3.createBucket('artifacts');
  await iot.send(new CreatePackageCommand({ packageName: 'fw' }));
  for (const v of ['1.0.0', '1.1.0', '1.2.0']) await iot.send(new CreatePackageVersionCommand({ packageName: 'fw', versionName: v }));
  for (const [v, doc] of [['1.0.0', CYCLONEDX], ['1.1.0', CYCLONEDX_WITHOUT_NAME]] as const) {
    const version = twin.s3.putObject('artifacts', `sboms/fw/${v}/sbom.zip`, sbomZip({ 'bom.json': doc })).versionId!;
    await iot.send(new AssociateSbomWithPackageVersionCommand({ packageName: 'fw', versionName: v, sbom: { s3Location: { bucket: 'artifacts', key: `sboms/fw/${v}/sbom.zip`, version } } }));
  }
  for (let i = 0; i < 200 && Object.values(twin.catalog().sboms).some((s) => s.status === 'IN_PROGRESS'); i++) await new Promise((r) => setTimeout(r, 50));
});
afterAll(async () => {
  iot.destroy();
  await twin.close();
});

describe('pkgrelease sbom', () => {
  it('a valid SBOM: where it is, SUCCEEDED, one line per file', async () => {
    const report = (await sbomReport(iot, 'fw', '1.0.0'))!;
    expect(report).toMatchObject({ versionStatus: 'DRAFT', validation: 'SUCCEEDED', sbom: { bucket: 'artifacts', key: 'sboms/fw/1.0.0/sbom.zip' }, files: [{ fileName: 'bom.json', validationResult: 'SUCCEEDED' }] });
    expect(renderSbomReport(report)).toMatch(/^fw@1\.0\.0 \(DRAFT\)\nSBOM: s3:\/\/artifacts\/sboms\/fw\/1\.0\.0\/sbom\.zip \(S3 version .+\)\nvalidation: SUCCEEDED\n {2}SUCCEEDED bom\.json$/);
  });

  it('an invalid one: FAILED with the file\'s error code and message; no SBOM: none attached; no version: undefined', async () => {
    const failed = (await sbomReport(iot, 'fw', '1.1.0'))!;
    expect(failed.validation).toBe('FAILED');
    expect(renderSbomReport(failed)).toContain("FAILED    bom.json  INCOMPATIBLE_FORMAT: not a valid CycloneDX 1.5 document: /components/0 must have required property 'name'");
    expect(renderSbomReport((await sbomReport(iot, 'fw', '1.2.0'))!)).toBe('fw@1.2.0 (DRAFT)\nSBOM: none attached');
    expect(await sbomReport(iot, 'fw', '9.9.9')).toBeUndefined();
  });

  it('the command: --json, exit code 1 when the validation FAILED, a named failure for a missing version', async () => {
    const env = { ...twin.env() };
    const ok = await pkgrelease(['sbom', 'fw', '1.0.0', '--json'], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ validation: 'SUCCEEDED' });
    const failed = await pkgrelease(['sbom', 'fw', '1.1.0'], { env });
    expect([failed.code, failed.stdout]).toEqual([1, expect.stringContaining('INCOMPATIBLE_FORMAT')]);
    const missing = await pkgrelease(['sbom', 'fw', '9.9.9'], { env });
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('fw@9.9.9 does not exist')]);
  }, 60_000);

  it('status advice: SbomInvalid and SbomMissing are fixed by an upload and a redrive; SbomLocationInvalid needs a new release', () => {
    expect(redriveAdvice('SbomInvalid')).toMatchObject({ redrivable: true, action: expect.stringContaining('pkgrelease sbom') });
    expect(redriveAdvice('SbomMissing').redrivable).toBe(true);
    expect(redriveAdvice('SbomLocationInvalid').redrivable).toBe(false);
  });
});

describe('pkgrelease status shows the SBOM validation', () => {
  it('from steps.checkSbom of the output, with the policy; nothing for a package without SBOM', async () => {
    const { SFNClient, DescribeExecutionCommand } = await import('@aws-sdk/client-sfn');
    const { mockClient } = await import('aws-sdk-client-mock');
    const { reportExecution } = await import('../../lib/operations/status');
    const { renderStatusTable } = await import('../../cli/operator/status');
    const sfn = mockClient(SFNClient);
    const item = { executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:m:fw-1', stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:m', name: 'fw-1', status: 'SUCCEEDED' as const, startDate: new Date('2026-12-03T10:00:00Z') };
    const output = (checkSbom: unknown) => JSON.stringify({ packageName: 'fw', versionName: '1.0.0', steps: { checkSbom } });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', input: '{"packageName":"fw","versionName":"1.0.0"}', output: output({ policy: 'optional', validation: 'FAILED' }) });
    const report = await reportExecution(new SFNClient({}), item);
    expect(report.sbom).toBe('FAILED (optional)');
    expect(renderStatusTable({ stateMachineArn: 'm', since: '', failedOnly: false, executions: [report] })).toContain('\n  sbom: FAILED (optional)');
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', output: output({ policy: 'optional', validation: 'NONE' }) });
    expect((await reportExecution(new SFNClient({}), item)).sbom).toBeUndefined();
    sfn.restore();
  });
});

describe('pkgrelease sbom --attach: the operator\'s explicit action', () => {
  it('attaches to a version without an SBOM; another SBOM is replaced only with --replace; the same one is already attached', async () => {
    const { UpdatePackageVersionCommand } = await import('@aws-sdk/client-iot');
    await iot.send(new CreatePackageVersionCommand({ packageName: 'fw', versionName: '2.0.0' }));
    await iot.send(new UpdatePackageVersionCommand({ packageName: 'fw', versionName: '2.0.0', action: 'PUBLISH' }));
    const first = twin.s3.putObject('artifacts', 'sboms/fw/2.0.0/sbom.zip', sbomZip({ 'bom.json': CYCLONEDX })).versionId!;
    const env = { ...twin.env() };
    const uri = 's3://artifacts/sboms/fw/2.0.0/sbom.zip';
    const attached = await pkgrelease(['sbom', 'fw', '2.0.0', '--attach', uri, '--version-id', first], { env });
    expect(attached.code, attached.stderr).toBe(0);
    expect(attached.stdout).toContain(`attached: ${uri} (S3 version ${first}) to fw@2.0.0`);

    twin.s3.putObject('artifacts', 'sboms/fw/2.0.0/sbom.zip', sbomZip({ 'bom.json': CYCLONEDX_WITHOUT_NAME }));
    const refused = await pkgrelease(['sbom', 'fw', '2.0.0', '--attach', uri], { env });
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('has another SBOM')]);
    expect(twin.catalog().sboms['fw/2.0.0']!.s3Location.version).toBe(first);

    const replaced = await pkgrelease(['sbom', 'fw', '2.0.0', '--attach', uri, '--replace', '--json'], { env });
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(twin.catalog().sboms['fw/2.0.0']!.s3Location.version).not.toBe(first);
    const again = await pkgrelease(['sbom', 'fw', '2.0.0', '--version-id', first], { env });
    expect([again.code, again.stderr]).toEqual([2, expect.stringContaining('go with --attach')]);
  }, 90_000);
});
