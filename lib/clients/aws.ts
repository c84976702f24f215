import { IoTClient } from '@aws-sdk/client-iot';
import { OpenSearchClient } from '@aws-sdk/client-opensearch';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * The AWS access the release logic takes as an argument. Production builds them from the
 * environment; the local twin is reached through the SDK's own `AWS_ENDPOINT_URL_<SERVICE>`
 * variables, so the code under test is exactly the code that runs in Lambda.
 */
export interface AwsClients {
  iot: IoTClient;
  opensearch: OpenSearchClient;
  /**
   * For OpenSearch UpdatePackage only: no SDK retries. The call has no idempotency token, so a
   * response lost to a 5xx must not be blindly re-sent; the step re-reads the version history first.
   */
  opensearchWrites: OpenSearchClient;
  s3: S3Client;
  sfn: SFNClient;
}

let cached: AwsClients | undefined;

/** Lazily created, shared across invocations of a warm Lambda. */
export function awsClients(): AwsClients {
  cached ??= {
    iot: new IoTClient({}),
    opensearch: new OpenSearchClient({}),
    opensearchWrites: new OpenSearchClient({ maxAttempts: 1 }),
    // A custom S3 endpoint (the local twin) cannot resolve `<bucket>.<host>`: use path-style there.
    s3: new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL) }),
    sfn: new SFNClient({}),
  };
  return cached;
}

/** Forget cached clients (the local engine changes endpoints between runs in one process). */
export function resetAwsClients(): void {
  cached = undefined;
}
