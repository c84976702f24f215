import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { TwinCatalog } from '../twin';

/**
 * What the console needs, and nothing more: the Step Functions API and S3 through the same SDK
 * clients the CLI and `aws s3 cp` use, and a read of the twin's catalog. It keeps no state of its own.
 */
export interface ConsoleDeps {
  sfn: SFNClient;
  stateMachineArn: string;
  s3: S3Client;
  /** The artifact bucket whose `releases/` drops start releases. */
  bucket: string;
  catalog: () => TwinCatalog;
  /** Package names the configuration allows (others fail at Prepare with InvalidRelease): offered in the upload form. */
  configuredPackages: () => string[];
}
