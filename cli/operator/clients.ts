import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * AWS clients for the operator commands, created on first use. Adaptive retry mode: besides
 * retrying throttled calls it slows the client down, which is what a bulk redrive needs.
 * Without --region the SDK's own chain applies (AWS_REGION, the profile's region).
 */
export function operatorClients(region?: string) {
  const config = { region, retryMode: 'adaptive', maxAttempts: 6 };
  let sfn: SFNClient | undefined;
  let s3: S3Client | undefined;
  let cfn: CloudFormationClient | undefined;
  return {
    sfn: () => (sfn ??= new SFNClient(config)),
    s3: () => (s3 ??= new S3Client(config)),
    cfn: () => (cfn ??= new CloudFormationClient(config)),
  };
}
