import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, type DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import { DescribeDomainCommand, type DomainStatus, type OpenSearchClient } from '@aws-sdk/client-opensearch';
import { GetBucketVersioningCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';

/**
 * One helper per call `pkgrelease doctor` makes to see what a release needs exists. "Not there" is
 * a value (undefined or false); any other error (access denied, throttled) is thrown.
 */
type AwsError = Error & { $metadata?: { httpStatusCode?: number } };
/** By error name only: a 404 can also mean an endpoint that does not know the operation. */
const notFound = (e: unknown, ...names: string[]) => names.includes((e as AwsError).name);

export async function describeStack(cfn: CloudFormationClient, stackName: string): Promise<Stack | undefined> {
  try {
    return (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (e) {
    // CloudFormation answers ValidationError "Stack with id X does not exist" for a missing stack.
    if ((e as AwsError).name === 'ValidationError' && /does not exist/.test((e as AwsError).message)) return undefined;
    throw e;
  }
}

export async function bucketExists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (e) {
    if (notFound(e, 'NotFound', 'NoSuchBucket')) return false;
    throw e;
  }
}

/** `Enabled`, `Suspended`, or undefined for a bucket that never had versioning. */
export async function bucketVersioning(s3: S3Client, bucket: string): Promise<string | undefined> {
  return (await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
}

export async function describeTable(dynamodb: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (e) {
    if (notFound(e, 'ResourceNotFoundException')) return undefined;
    throw e;
  }
}

/**
 * Whether the state machine exists and its executions can be read: ListExecutions (one item), which
 * the operator policy grants and which fails with StateMachineDoesNotExist for a missing machine.
 */
export async function stateMachineExists(sfn: SFNClient, stateMachineArn: string): Promise<boolean> {
  try {
    await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 }));
    return true;
  } catch (e) {
    if (notFound(e, 'StateMachineDoesNotExist')) return false;
    throw e;
  }
}

export async function describeDomain(opensearch: OpenSearchClient, domainName: string): Promise<DomainStatus | undefined> {
  try {
    return (await opensearch.send(new DescribeDomainCommand({ DomainName: domainName }))).DomainStatus;
  } catch (e) {
    if (notFound(e, 'ResourceNotFoundException')) return undefined;
    throw e;
  }
}
