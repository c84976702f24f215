import { AssociateSbomWithPackageVersionCommand, GetPackageVersionCommand, IoTClient, ListSbomValidationResultsCommand } from '@aws-sdk/client-iot';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deriveSubToken } from '../../lib/release/identity';
import { attachSbom, type SbomRun } from '../../lib/release/sbom/attach';
import { checkSbom } from '../../lib/release/sbom/check';
import { attachArrivedSbom } from '../../lib/release/sbom/arrived';
import { sbomRefOf } from '../../lib/release/sbom/source';

const iot = mockClient(IoTClient);
const s3 = mockClient(S3Client);
const deps = (now = Date.now) => ({ iot: new IoTClient({}), s3: new S3Client({}), now });
const TOKEN = 'a'.repeat(64);
const release = (sbom?: { key: string; versionId?: string; from?: 'manifest' | 'metadata' }) => ({ packageName: 'fw', versionName: '1.0.0', artifact: { bucket: 'artifacts' }, clientToken: TOKEN, sbom });
const required = (runStartedAt = Date.now()): SbomRun => ({ policy: 'required', waitMinutes: 30, runStartedAt });
const notFound = () => Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });

beforeEach(() => {
  iot.reset();
  s3.reset();
});

describe('AttachSbom', () => {
  it('pins the conventional key to its newest S3 version and attaches it with a token derived from the release and that object version', async () => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v2' });
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT' });
    iot.on(AssociateSbomWithPackageVersionCommand).resolves({ sbomValidationStatus: 'IN_PROGRESS' });
    const result = await attachSbom(release(), required(), deps());
    expect(result).toEqual({ policy: 'required', outcome: 'attached', sbom: { bucket: 'artifacts', key: 'sboms/fw/1.0.0/sbom.zip', version: 'v2', from: 'convention' } });
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toMatchObject({ Bucket: 'artifacts', Key: 'sboms/fw/1.0.0/sbom.zip', VersionId: undefined });
    expect(iot.commandCalls(AssociateSbomWithPackageVersionCommand)[0]!.args[0].input).toEqual({
      packageName: 'fw',
      versionName: '1.0.0',
      sbom: { s3Location: { bucket: 'artifacts', key: 'sboms/fw/1.0.0/sbom.zip', version: 'v2' } },
      clientToken: deriveSubToken(TOKEN, 'sbom artifacts/sboms/fw/1.0.0/sbom.zip@v2'),
    });
  });

  it('the same object version already attached: nothing is attached again', async () => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v2' });
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT', sbom: { s3Location: { bucket: 'artifacts', key: 'sboms/fw/1.0.0/sbom.zip', version: 'v2' } } });
    expect((await attachSbom(release(), required(), deps())).outcome).toBe('already-attached');
    expect(iot.commandCalls(AssociateSbomWithPackageVersionCommand)).toHaveLength(0);
  });

  it('a PUBLISHED version with another SBOM keeps it (replacing is an operator\'s action); one without an SBOM gets it', async () => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v3' });
    iot.on(GetPackageVersionCommand).resolves({ status: 'PUBLISHED', sbom: { s3Location: { bucket: 'artifacts', key: 'sboms/fw/1.0.0/sbom.zip', version: 'v2' } } });
    expect((await attachSbom(release(), required(), deps())).outcome).toBe('kept-existing');
    iot.on(GetPackageVersionCommand).resolves({ status: 'PUBLISHED' });
    iot.on(AssociateSbomWithPackageVersionCommand).resolves({});
    expect((await attachSbom(release(), required(), deps())).outcome).toBe('attached');
  });

  it('required and not there: SbomNotArrived within sbomWaitMinutes of this run, SbomMissing after, saying where to upload', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT' });
    const started = Date.parse('2026-12-03T10:00:00Z');
    await expect(attachSbom(release(), required(started), deps(() => started + 29 * 60_000))).rejects.toMatchObject({ name: 'SbomNotArrived' });
    await expect(attachSbom(release(), required(started), deps(() => started + 30 * 60_000))).rejects.toMatchObject({
      name: 'SbomMissing',
      message: expect.stringContaining('s3://artifacts/sboms/fw/1.0.0/sbom.zip within 30 minutes'),
    });
    expect(iot.commandCalls(AssociateSbomWithPackageVersionCommand)).toHaveLength(0);
  });

  it('the wait counts in the state machine\'s minutes: under the local engine\'s timeScale 0.01, 30 minutes last 18 s of wall time', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT' });
    const started = Date.parse('2026-12-03T10:00:00Z');
    const scaled = { ...required(started), timeScale: 0.01 };
    await expect(attachSbom(release(), scaled, deps(() => started + 17_000))).rejects.toMatchObject({ name: 'SbomNotArrived' });
    await expect(attachSbom(release(), scaled, deps(() => started + 18_000))).rejects.toMatchObject({ name: 'SbomMissing' });
  });

  it('optional and not there: outcome none; off: no AWS call at all', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    expect(await attachSbom(release(), { ...required(), policy: 'optional' }, deps())).toEqual({ policy: 'optional', outcome: 'none' });
    s3.reset();
    expect(await attachSbom(release(), { ...required(), policy: 'off' }, deps())).toEqual({ policy: 'off', outcome: 'off' });
    expect(s3.calls()).toHaveLength(0);
  });

  it('refuses an SBOM key outside sboms/ or an unversioned object with SbomLocationInvalid, before attaching anything', async () => {
    await expect(attachSbom(release({ key: 'releases/fw/1.0.0/sbom.zip', from: 'metadata' }), required(), deps())).rejects.toMatchObject({ name: 'SbomLocationInvalid', message: expect.stringContaining('(from the metadata) must be under sboms/') });
    await expect(attachSbom(release({ key: 'sboms/../x.zip', from: 'manifest' }), required(), deps())).rejects.toMatchObject({ name: 'SbomLocationInvalid' });
    s3.on(HeadObjectCommand).resolves({});
    await expect(attachSbom(release(), required(), deps())).rejects.toMatchObject({ name: 'SbomLocationInvalid', message: expect.stringContaining('must be versioned') });
    expect(iot.commandCalls(AssociateSbomWithPackageVersionCommand)).toHaveLength(0);
  });

  it('a manifest\'s versionId is pinned exactly', async () => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v1' });
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT' });
    iot.on(AssociateSbomWithPackageVersionCommand).resolves({});
    const result = await attachSbom(release({ key: 'sboms/fw/build-7/bom.zip', versionId: 'v1', from: 'manifest' }), required(), deps());
    expect(result.sbom).toEqual({ bucket: 'artifacts', key: 'sboms/fw/build-7/bom.zip', version: 'v1', from: 'manifest' });
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toMatchObject({ VersionId: 'v1' });
  });
});

describe('CheckSbom', () => {
  const attached = { bucket: 'artifacts', key: 'sboms/fw/1.0.0/sbom.zip', version: 'v2' };

  it('optional, and AttachSbom found none at the convention\'s key: NONE without a call (sbom-arrived attaches one uploaded since)', async () => {
    const optional: SbomRun = { policy: 'optional', waitMinutes: 30, runStartedAt: Date.now(), attachOutcome: 'none' };
    expect(await checkSbom(release(), optional, deps())).toEqual({ policy: 'optional', validation: 'NONE' });
    expect([...iot.calls(), ...s3.calls()]).toHaveLength(0);
    // A key the manifest named is looked at again: sbom-arrived only knows the convention's.
    s3.on(HeadObjectCommand).rejects(notFound());
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT' });
    expect(await checkSbom(release({ key: 'sboms/fw/custom.zip', from: 'manifest' }), optional, deps())).toEqual({ policy: 'optional', validation: 'NONE' });
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(1);
  });

  it('IN_PROGRESS is SbomValidating (the poll); SUCCEEDED returns the SBOM', async () => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v2' });
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT', sbom: { s3Location: attached }, sbomValidationStatus: 'IN_PROGRESS' });
    await expect(checkSbom(release(), required(), deps())).rejects.toMatchObject({ name: 'SbomValidating' });
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT', sbom: { s3Location: attached }, sbomValidationStatus: 'SUCCEEDED' });
    expect(await checkSbom(release(), required(), deps())).toEqual({ policy: 'required', validation: 'SUCCEEDED', sbom: attached });
  });

  it('FAILED under required: SbomInvalid naming every failed file with its code and message; optional reports them', async () => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v2' });
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT', sbom: { s3Location: attached }, sbomValidationStatus: 'FAILED' });
    iot.on(ListSbomValidationResultsCommand).resolves({
      validationResultSummaries: [
        { fileName: 'a.json', validationResult: 'FAILED', errorCode: 'INCOMPATIBLE_FORMAT', errorMessage: 'not SPDX' },
        { fileName: 'b.json', validationResult: 'SUCCEEDED' },
        { fileName: 'c.json', validationResult: 'FAILED', errorCode: 'FILE_SIZE_LIMIT_EXCEEDED', errorMessage: 'too big' },
      ],
    });
    await expect(checkSbom(release(), required(), deps())).rejects.toMatchObject({ name: 'SbomInvalid', message: expect.stringContaining('a.json: INCOMPATIBLE_FORMAT: not SPDX; c.json: FILE_SIZE_LIMIT_EXCEEDED: too big') });
    expect(await checkSbom(release(), { ...required(), policy: 'optional' }, deps())).toEqual({
      policy: 'optional',
      validation: 'FAILED',
      sbom: attached,
      failedFiles: [
        { fileName: 'a.json', errorCode: 'INCOMPATIBLE_FORMAT', errorMessage: 'not SPDX' },
        { fileName: 'c.json', errorCode: 'FILE_SIZE_LIMIT_EXCEEDED', errorMessage: 'too big' },
      ],
    });
  });

  it('a newer SBOM object version than the one attached (a corrected upload): attached, and the poll goes on', async () => {
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v3' });
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT', sbom: { s3Location: attached }, sbomValidationStatus: 'FAILED' });
    iot.on(AssociateSbomWithPackageVersionCommand).resolves({});
    await expect(checkSbom(release(), required(), deps())).rejects.toMatchObject({ name: 'SbomValidating', message: expect.stringContaining('S3 version v3') });
    expect(iot.commandCalls(AssociateSbomWithPackageVersionCommand)[0]!.args[0].input.sbom).toEqual({ s3Location: { ...attached, version: 'v3' } });
    expect(iot.commandCalls(ListSbomValidationResultsCommand)).toHaveLength(0);
  });

  it('required with nothing attached and nothing uploaded: SbomMissing; optional: NONE', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT' });
    await expect(checkSbom(release(), required(), deps())).rejects.toMatchObject({ name: 'SbomMissing' });
    expect(await checkSbom(release(), { ...required(), policy: 'optional' }, deps())).toEqual({ policy: 'optional', validation: 'NONE' });
  });
});

describe('where the SBOM comes from', () => {
  it('the manifest field first, else the artifact\'s x-amz-meta-sbom, else nothing (the convention)', () => {
    expect(sbomRefOf({ key: 'sboms/a.zip', versionId: 'v1' }, { sbom: 'sboms/b.zip' })).toEqual({ from: 'manifest', key: 'sboms/a.zip', versionId: 'v1' });
    expect(sbomRefOf(undefined, { sbom: 'sboms/b.zip' })).toEqual({ from: 'metadata', key: 'sboms/b.zip' });
    expect(sbomRefOf(undefined, {})).toBeUndefined();
  });
});

describe('an SBOM arriving on its own (sbomArrived)', () => {
  const event = (key: string) => ({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: 'artifacts' }, object: { key, 'version-id': 'v1' } } });
  const config = { packages: { fw: {}, gated: { sbom: 'required' as const }, quiet: { sbom: 'off' as const } } };
  const run = (key: string) => attachArrivedSbom(event(key), { iot: new IoTClient({}), s3: new S3Client({}), config });

  it('ignores what is not the convention, an unconfigured package, sbom: off, a missing version or a DRAFT whose SBOM is required, without attaching', async () => {
    expect((await run('sboms/fw/build-7/bom.zip')).outcome).toBe('ignored');
    expect(await run('sboms/other/1.0.0/sbom.zip')).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('no configuration') });
    expect(await run('sboms/quiet/1.0.0/sbom.zip')).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('sbom: off') });
    iot.on(GetPackageVersionCommand).rejects(Object.assign(new Error('no version'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } }));
    expect(await run('sboms/fw/1.0.0/sbom.zip')).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('no such package version') });
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT' });
    expect(await run('sboms/gated/1.0.0/sbom.zip')).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('DRAFT and its SBOM required') });
    expect(iot.commandCalls(AssociateSbomWithPackageVersionCommand)).toHaveLength(0);
  });

  it('an optional SBOM landing while its release publishes: the DRAFT takes it (its release\'s CheckSbom may have looked already)', async () => {
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT' });
    iot.on(AssociateSbomWithPackageVersionCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v1' });
    expect(await run('sboms/fw/1.0.0/sbom.zip')).toEqual({ packageName: 'fw', versionName: '1.0.0', outcome: 'attached' });
    iot.on(GetPackageVersionCommand).resolves({ status: 'DRAFT', sbom: { s3Location: { bucket: 'artifacts', key: 'sboms/fw/1.0.0/sbom.zip', version: 'v1' } } });
    expect(await run('sboms/fw/1.0.0/sbom.zip')).toMatchObject({ outcome: 'already-attached' });
    expect(iot.commandCalls(AssociateSbomWithPackageVersionCommand)).toHaveLength(1);
  });

  it('a PUBLISHED version without an SBOM gets it, pinned to the newest object version', async () => {
    iot.on(GetPackageVersionCommand).resolves({ status: 'PUBLISHED' });
    iot.on(AssociateSbomWithPackageVersionCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v1' });
    expect(await run('sboms/fw/1.0.0/sbom.zip')).toEqual({ packageName: 'fw', versionName: '1.0.0', outcome: 'attached' });
    expect(iot.commandCalls(AssociateSbomWithPackageVersionCommand)[0]!.args[0].input.sbom).toEqual({ s3Location: { bucket: 'artifacts', key: 'sboms/fw/1.0.0/sbom.zip', version: 'v1' } });
  });
});

describe('a released version (an identical re-upload) is past the gate', () => {
  it('required but no SBOM: AttachSbom does not wait, CheckSbom reports NONE; an invalid one is reported, not SbomInvalid', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    iot.on(GetPackageVersionCommand).resolves({ status: 'PUBLISHED' });
    expect(await attachSbom(release(), required(), deps())).toEqual({ policy: 'required', outcome: 'none' });
    expect(await checkSbom(release(), required(), deps())).toEqual({ policy: 'required', validation: 'NONE' });
    const attached = { bucket: 'artifacts', key: 'sboms/fw/1.0.0/sbom.zip', version: 'v2' };
    s3.on(HeadObjectCommand).resolves({ VersionId: 'v2' });
    iot.on(GetPackageVersionCommand).resolves({ status: 'PUBLISHED', sbom: { s3Location: attached }, sbomValidationStatus: 'FAILED' });
    iot.on(ListSbomValidationResultsCommand).resolves({ validationResultSummaries: [{ fileName: 'a.json', validationResult: 'FAILED', errorCode: 'INCOMPATIBLE_FORMAT', errorMessage: 'x' }] });
    expect(await checkSbom(release(), required(), deps())).toMatchObject({ validation: 'FAILED', failedFiles: [{ fileName: 'a.json' }] });
  });
});
