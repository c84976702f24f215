import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { clientsOfTwin, fetchReport, type ServedReport } from '../../cli/local/serve-client';
import { removeTempDirs, type RunningServe, startServe, tempDir } from '../cli/helpers';
import { type AwsCliResult, awsCli, awsCliBatch } from '../support/aws-cli';
import { waitFor } from '../twin/helpers';
import { difference, MUTATING, mutatingSucceeded } from './harness';

/**
 * A 50 MiB artifact released with the real AWS CLI v1 against `pkgrelease local serve`, as a
 * release engineer would: `aws s3 cp` (a multipart upload with the CLI's default CRC32 COMPOSITE
 * checksum), the same file downloaded again (ranged parts), and the identical bytes uploaded again
 * with another part size (another composite checksum: only the bytes can tell it is the same).
 */
const MiB = 1024 * 1024;
const NONE = Object.fromEntries(MUTATING.map((c) => [c, 0]));
const KEY = 'releases/edge-agent/5.0.0/agent-words.txt';
/** The CLI's own default; the serve's printed exports ask for WHEN_REQUIRED, which would give a full-object CRC64NVME instead. */
const CLI_DEFAULT_CHECKSUMS = { AWS_REQUEST_CHECKSUM_CALCULATION: 'when_supported', AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_supported' };

let serve: RunningServe;
let dir: string;
let env: Record<string, string>;
let data: Buffer;
let firstUpload: AwsCliResult;
let released: ServedReport;
let second: AwsCliResult[];
let after: ServedReport;
/** The CRC32 checksums of the two S3 versions of KEY. */
let checksums: (string | undefined)[];

const report = () => fetchReport(serve.info);
const finished = (r: ServedReport, n: number) => r.executions.length >= n && r.executions.every((e) => e.status !== 'RUNNING');

beforeAll(async () => {
  dir = tempDir();
  const config = join(dir, 'packages.json');
  writeFileSync(config, JSON.stringify({ packages: { 'edge-agent': { opensearchPackage: 'edge-agent-dict' } } }));
  serve = await startServe(join(dir, 'state'), ['--config', config], dir);
  env = { ...serve.info.env, ...CLI_DEFAULT_CHECKSUMS };
  // A dictionary OpenSearch can import: 50 MiB of text lines, random so that no two runs agree.
  data = Buffer.from(randomBytes(25 * MiB).toString('hex'));
  for (let i = 63; i < data.length; i += 64) data[i] = 0x0a;
  writeFileSync(join(dir, 'agent-words.txt'), data);
  // Part size 16 MiB for the second upload (the CLI default is 8 MiB).
  writeFileSync(join(dir, 'cli-config'), '[default]\ns3 =\n  multipart_chunksize = 16MB\n');

  firstUpload = await awsCli(['s3', 'cp', join(dir, 'agent-words.txt'), `s3://${serve.info.bucket}/${KEY}`], { endpoints: {}, env });
  released = await waitFor(report, (r) => finished(r, 1), 30_000);
  second = await awsCliBatch(
    [
      ['s3', 'cp', `s3://${serve.info.bucket}/${KEY}`, join(dir, 'downloaded.txt')],
      ['s3', 'cp', join(dir, 'agent-words.txt'), `s3://${serve.info.bucket}/${KEY}`],
    ],
    { endpoints: {}, env: { ...env, AWS_CONFIG_FILE: join(dir, 'cli-config') } },
  );
  after = await waitFor(report, (r) => finished(r, 2), 30_000);
  const { s3 } = clientsOfTwin(serve.info.env);
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: serve.info.bucket, Prefix: KEY }));
  checksums = await Promise.all(
    (listed.Versions ?? []).map(async (v) => (await s3.send(new HeadObjectCommand({ Bucket: serve.info.bucket, Key: KEY, VersionId: v.VersionId, ChecksumMode: 'ENABLED' }))).ChecksumCRC32),
  );
  s3.destroy();
}, 90_000);
afterAll(async () => {
  await serve?.stop();
  removeTempDirs();
});

describe('a 50 MiB artifact through `pkgrelease local serve` with the AWS CLI v1', () => {
  it('aws s3 cp releases it end to end: the execution SUCCEEDED, IoT version 5.0.0 PUBLISHED and the default, OpenSearch imported it', () => {
    expect(firstUpload.code, firstUpload.stderr).toBe(0);
    expect(released.executions.map((e) => [e.status, e.error])).toEqual([['SUCCEEDED', null]]);
    const pkg = released.catalog.iot['edge-agent']!;
    expect(pkg.versions['5.0.0']).toMatchObject({ status: 'PUBLISHED' });
    expect(pkg.defaultVersion).toBe('5.0.0');
    const dict = released.catalog.opensearch['edge-agent-dict']!;
    expect(dict.history.some((h) => h.commitMessage?.startsWith('pkgrelease v=5.0.0 '))).toBe(true);
  });

  it('the same file downloaded again with aws s3 cp (ranged parts) is byte-identical', () => {
    expect(second[0]!.code, second[0]!.stderr).toBe(0);
    expect(readFileSync(join(dir, 'downloaded.txt')).equals(data)).toBe(true);
  });

  it('the identical 50 MiB uploaded again with another part size is a no-op: SUCCEEDED, no new IoT version, no new OpenSearch commit, no mutating call', () => {
    expect(second[1]!.code, second[1]!.stderr).toBe(0);
    // Two S3 versions, 7 parts of 8 MiB and 4 of 16 MiB: their composite checksums differ.
    expect(checksums.map((c) => c?.replace(/^.*-/, '')).sort()).toEqual(['4', '7']);
    expect(after.executions).toHaveLength(2);
    expect(after.executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(after.catalog.iot).toEqual(released.catalog.iot);
    expect(after.catalog.opensearch['edge-agent-dict']!.history).toEqual(released.catalog.opensearch['edge-agent-dict']!.history);
    // No staging copy either (s3:CopyObject, UploadPartCopy); the one multipart upload is the CLI's own.
    const upload = { 's3:CreateMultipartUpload': 1, 's3:CompleteMultipartUpload': 1 };
    expect(difference(mutatingSucceeded(after), mutatingSucceeded(released))).toEqual({ ...NONE, ...upload });
  });

  it('the identity was decided from the parts\' CRC32s (GetObjectAttributes of both versions), without reading the 2 × 50 MiB', () => {
    const calls = (r: ServedReport, op: string) => r.calls[op]?.succeeded ?? 0;
    expect(calls(after, 's3:GetObjectAttributes') - calls(released, 's3:GetObjectAttributes')).toBe(2);
    // Only the download's GETs: 4 ranged parts of 16 MiB (the CLI config's chunk size serves downloads too).
    expect(calls(after, 's3:GetObject') - calls(released, 's3:GetObject')).toBe(4);
  });
});
