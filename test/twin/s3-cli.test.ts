import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type Twin } from '../../local/twin';
import { awsCli } from '../support/aws-cli';

/** The twin's S3 as the real AWS CLI v1 (botocore) sees it. */
let twin: Twin;
const cli = (...args: string[]) => awsCli(args, { endpoints: twin.endpoints });

beforeAll(async () => {
  twin = await startTwin({ seed: 17 });
  twin.s3.createBucket('artifacts');
});
afterAll(async () => {
  await twin.close();
});

describe('S3 stand-in with the AWS CLI v1', () => {
  it('s3api list-buckets parses the reply: the bucket the twin holds', async () => {
    const r = await cli('s3api', 'list-buckets');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((r.json as { Buckets: { Name: string }[] }).Buckets.map((b) => b.Name)).toEqual(['artifacts']);
  });
});
