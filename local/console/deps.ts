import type { IoTClient } from '@aws-sdk/client-iot';
import type { OpenSearchClient } from '@aws-sdk/client-opensearch';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { PackagesConfig } from '../../lib/release/config';
import type { TwinCatalog } from '../twin';

/**
 * What the console needs, and nothing more: the Step Functions API, S3, IoT and OpenSearch through
 * the same SDK clients the CLI and `aws s3 cp` use, and a read of the twin's catalog. It keeps no state of its own.
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
  /** Rollback: planRollback reads the IoT catalog; the preview reads OpenSearch and the package configuration. */
  iot: IoTClient;
  opensearch: OpenSearchClient;
  /** The configuration as it is now (`local serve` re-reads it). */
  packagesConfig: () => PackagesConfig;
}
