/**
 * What AWS authorizes for each SDK call a function makes: the call's own IAM action plus the
 * actions AWS checks on the caller's behalf (Service Authorization Reference, "dependent actions",
 * and each service's guide where the service reads S3 with the caller's permissions).
 *
 * A function's calls are read from its bundle: esbuild's tree shaking keeps exactly the command
 * modules (`@aws-sdk/client-<service>/dist-es/commands/<Op>Command.js`) the code can reach.
 */

/** `@aws-sdk/client-<name>` -> IAM service prefix. */
export const IAM_PREFIX: Record<string, string> = { dynamodb: 'dynamodb', iot: 'iot', opensearch: 'es', s3: 's3', sfn: 'states', sns: 'sns' };

/**
 * Commands a client bundles for itself and never sends from these functions: DynamoDB endpoint
 * discovery (off unless configured), S3 Express sessions (directory buckets only; the artifact
 * bucket is a general purpose bucket).
 */
export const NOT_SENT = new Set(['dynamodb:DescribeEndpoints', 's3:CreateSession']);

/** Software Package Catalog calls also need iot:GetIndexingConfiguration (no resource-level permissions). */
const SPC = (action: string) => [action, 'iot:GetIndexingConfiguration'];

export const ACTIONS_OF_CALL: Record<string, string[]> = {
  'dynamodb:GetItem': ['dynamodb:GetItem'],
  'dynamodb:PutItem': ['dynamodb:PutItem'],
  'dynamodb:UpdateItem': ['dynamodb:UpdateItem'],
  'dynamodb:DeleteItem': ['dynamodb:DeleteItem'],
  // AWS IoT reads the SBOM as iot.amazonaws.com (bucket policy), not with the caller's permissions.
  'iot:AssociateSbomWithPackageVersion': SPC('iot:AssociateSbomWithPackageVersion'),
  'iot:ListSbomValidationResults': SPC('iot:ListSbomValidationResults'),
  'iot:GetIndexingConfiguration': ['iot:GetIndexingConfiguration'],
  'iot:CreatePackage': SPC('iot:CreatePackage'),
  // Tags on the request tag the new version; IoT reads the artifact's pinned version with the caller's permissions.
  'iot:CreatePackageVersion': [...SPC('iot:CreatePackageVersion'), 'iot:TagResource', 's3:GetObject', 's3:GetObjectVersion'],
  'iot:GetPackage': SPC('iot:GetPackage'),
  'iot:GetPackageVersion': SPC('iot:GetPackageVersion'),
  'iot:ListPackageVersions': SPC('iot:ListPackageVersions'),
  'iot:UpdatePackage': SPC('iot:UpdatePackage'),
  'iot:UpdatePackageVersion': SPC('iot:UpdatePackageVersion'),
  // A rollout stage's job (a presigned-URL role adds iam:PassRole: config/rollout-arns.cjs).
  'iot:CreateJob': ['iot:CreateJob'],
  'iot:CancelJob': ['iot:CancelJob'],
  'iot:DescribeJob': ['iot:DescribeJob'],
  'opensearch:AssociatePackage': ['es:AssociatePackage'],
  'opensearch:DescribePackages': ['es:DescribePackages'],
  'opensearch:GetPackageVersionHistory': ['es:GetPackageVersionHistory'],
  'opensearch:ListDomainsForPackage': ['es:ListDomainsForPackage'],
  'opensearch:ListPackagesForDomain': ['es:ListPackagesForDomain'],
  // OpenSearch imports the staged object with the caller's permissions.
  'opensearch:UpdatePackage': ['es:UpdatePackage', 's3:GetObject'],
  // With a VersionId: s3:GetObjectVersion; a missing key is a 404 only with s3:ListBucket.
  's3:HeadObject': ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
  's3:GetObject': ['s3:GetObject', 's3:GetObjectVersion'],
  // Versioned: s3:GetObjectVersion and s3:GetObjectVersionAttributes; unversioned: s3:GetObject and s3:GetObjectAttributes.
  's3:GetObjectAttributes': ['s3:GetObject', 's3:GetObjectAttributes', 's3:GetObjectVersion', 's3:GetObjectVersionAttributes'],
  // Source `?versionId=` with its tags (directive COPY); destination object and its tags.
  's3:CopyObject': ['s3:GetObjectVersion', 's3:GetObjectVersionTagging', 's3:PutObject', 's3:PutObjectTagging'],
  // A multipart copy (above CopyObject's 5 GiB): each part reads the pinned source version; no tags are copied.
  's3:CreateMultipartUpload': ['s3:PutObject'],
  's3:UploadPartCopy': ['s3:GetObjectVersion', 's3:PutObject'],
  's3:CompleteMultipartUpload': ['s3:PutObject'],
  's3:AbortMultipartUpload': ['s3:AbortMultipartUpload'],
  'sfn:StartExecution': ['states:StartExecution'],
  'sfn:GetExecutionHistory': ['states:GetExecutionHistory'],
  // The topic is encrypted with a customer managed key: publishing uses the key.
  'sns:Publish': ['sns:Publish', 'kms:GenerateDataKey', 'kms:Decrypt'],
};

/** What Lambda itself does with the function's role: the runtime's logs and X-Ray segments. */
export const RUNTIME_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
/** Lambda's asynchronous on-failure destination (an SQS queue) sends with the function's role. */
export const ON_FAILURE_QUEUE_ACTIONS = ['sqs:SendMessage'];

/** The SDK calls (`<client>:<Op>`) a bundle can make, from the modules esbuild put in it. */
export function callsOfBundle(inputs: string[]): string[] {
  const calls = inputs
    .map((i) => /@aws-sdk\/client-([a-z0-9-]+)\/dist-es\/commands\/(\w+)Command\.js$/.exec(i))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}:${m[2]}`);
  return [...new Set(calls)].filter((c) => !NOT_SENT.has(c)).sort();
}

/** The IAM actions a set of calls needs; throws on a call this table does not know yet. */
export function actionsOfCalls(calls: string[]): string[] {
  const unknown = calls.filter((c) => !ACTIONS_OF_CALL[c]);
  if (unknown.length) throw new Error(`test/infra/sdk-actions.ts: add the IAM actions of ${unknown.join(', ')} to ACTIONS_OF_CALL`);
  return [...new Set(calls.flatMap((c) => ACTIONS_OF_CALL[c]!))].sort();
}
