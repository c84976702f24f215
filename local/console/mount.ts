import { IoTClient } from '@aws-sdk/client-iot';
import { OpenSearchClient } from '@aws-sdk/client-opensearch';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { PackagesConfig } from '../../lib/release/config';
import { LOCAL_BUCKET, type LocalSession } from '../session';
import { createConsoleHandler } from './handler';

/** Puts the console on the session's Step Functions API port; returns the page's URL. */
export function mountConsole(session: LocalSession, config: PackagesConfig): string {
  const handler = createConsoleHandler({
    sfn: new SFNClient({ endpoint: session.sfnEndpoint }),
    stateMachineArn: session.engine.stateMachineArn,
    s3: session.s3(),
    bucket: LOCAL_BUCKET,
    catalog: () => session.twin.catalog(),
    configuredPackages: () => Object.keys(config.packages),
    // The session points the SDK's default endpoints at the twin (as session.s3() relies on).
    iot: new IoTClient({}),
    opensearch: new OpenSearchClient({}),
    packagesConfig: () => config,
  });
  session.mountOnApiPort(handler);
  return `${session.sfnEndpoint}/`;
}
