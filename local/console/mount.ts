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
  });
  session.mountOnApiPort(handler);
  return `${session.sfnEndpoint}/`;
}
