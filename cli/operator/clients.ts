import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IoTClient } from '@aws-sdk/client-iot';
import { OpenSearchClient } from '@aws-sdk/client-opensearch';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * AWS clients for the operator commands, created on first use. Adaptive retry mode: besides
 * retrying throttled calls it slows the client down, which is what a bulk redrive needs.
 * Region: --region, else the region of the ARN the command works on, else the SDK's own chain
 * (AWS_REGION, the profile's region). --profile picks a named profile, as in the AWS CLI.
 */
export interface ClientOptions {
  region?: string;
  profile?: string;
  /** An ARN the command works on: its region is used when --region is not given. */
  arn?: string;
}

export function operatorClients(opts: ClientOptions = {}) {
  const config = { region: opts.region ?? regionOfArn(opts.arn), profile: opts.profile, retryMode: 'adaptive', maxAttempts: 6 };
  let sfn: SFNClient | undefined;
  let s3: S3Client | undefined;
  let cfn: CloudFormationClient | undefined;
  let iot: IoTClient | undefined;
  let opensearch: OpenSearchClient | undefined;
  let dynamodb: DynamoDBClient | undefined;
  return {
    sfn: () => (sfn ??= new SFNClient(config)),
    s3: () => (s3 ??= new S3Client(config)),
    cfn: () => (cfn ??= new CloudFormationClient(config)),
    iot: () => (iot ??= new IoTClient(config)),
    opensearch: () => (opensearch ??= new OpenSearchClient(config)),
    dynamodb: () => (dynamodb ??= new DynamoDBClient(config)),
  };
}

/** `arn:aws:states:eu-west-1:…` → `eu-west-1`. */
export function regionOfArn(arn: string | undefined): string | undefined {
  return arn?.split(':')[3] || undefined;
}
