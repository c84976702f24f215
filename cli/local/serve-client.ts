import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IoTClient } from '@aws-sdk/client-iot';
import { OpenSearchClient } from '@aws-sdk/client-opensearch';
import { S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { LocalReport } from '../../local/session';
import { CliFailure } from '../errors';
import type { ServeInfo } from './state-dir';

/**
 * A local command talking to a running `local serve` through the same APIs a person's script would
 * use (S3, OpenSearch, Step Functions), plus the serve's report (GET /pkgrelease/report) for what
 * AWS has no single call for: the catalog, call counts and uploads that started nothing.
 */
export const REPORT_PATH = '/pkgrelease/report';

export interface NotReleased {
  key: string;
  reason: string;
  /** ISO time the serve noticed it. */
  at: string;
}

export type ServedReport = LocalReport & { notReleased: NotReleased[] };

export function twinClients(info: ServeInfo) {
  return clientsOfTwin(info.env);
}

/** SDK clients pointed at a twin by its AWS_* variables (a serve's, or a session's own). */
export function clientsOfTwin(env: Record<string, string | undefined>) {
  const base = {
    region: env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'twin', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'twin-secret' },
  };
  return {
    s3: new S3Client({ ...base, endpoint: env.AWS_ENDPOINT_URL_S3, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
    opensearch: new OpenSearchClient({ ...base, endpoint: env.AWS_ENDPOINT_URL_OPENSEARCH }),
    sfn: new SFNClient({ ...base, endpoint: env.AWS_ENDPOINT_URL_SFN }),
    iot: new IoTClient({ ...base, endpoint: env.AWS_ENDPOINT_URL_IOT }),
    dynamodb: new DynamoDBClient({ ...base, endpoint: env.AWS_ENDPOINT_URL_DYNAMODB }),
  };
}

export async function fetchReport(info: ServeInfo): Promise<ServedReport> {
  const res = await fetch(`http://127.0.0.1:${info.port}${REPORT_PATH}`).catch((e: Error) => {
    throw new CliFailure(`cannot reach "pkgrelease local serve" (pid ${info.pid}) on port ${info.port}: ${e.message}; is it still starting?`);
  });
  if (!res.ok) throw new CliFailure(`"pkgrelease local serve" on port ${info.port} answered ${res.status} for its report`);
  return (await res.json()) as ServedReport;
}

export function executionArnOf(info: ServeInfo, name: string): string {
  return `${info.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

const POLL_MS = 100;

/**
 * Polls DescribeExecution until the execution has ended. While it does not exist yet (the trigger
 * is still starting it), the serve's report says whether the upload of `key` started nothing.
 */
export async function waitForExecution(info: ServeInfo, sfn: SFNClient, name: string, upload?: { key: string; since: string }): Promise<void> {
  const arn = executionArnOf(info, name);
  for (;;) {
    try {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
      if (d.status !== 'RUNNING') return;
    } catch (e) {
      if ((e as Error).name !== 'ExecutionDoesNotExist' || !upload) throw e;
      const ignored = (await fetchReport(info)).notReleased.find((n) => n.key === upload.key && n.at >= upload.since);
      if (ignored) throw new CliFailure(`uploaded s3://${info.bucket}/${upload.key}, but ${ignored.reason}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
