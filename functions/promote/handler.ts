import type { Context } from 'aws-lambda';
import { iotClient, sfnClient } from '../../lib/clients/aws';
import { historyNewestFirst } from '../../lib/clients/sfn';
import { runIdempotent } from '../../lib/lambda/idempotency';
import { parseReleaseStep, stepHandler } from '../../lib/lambda/step-handler';
import { assertApprovedByExecution } from '../../lib/release/approval-proof';
import { ReleaseStateSchema } from '../../lib/release/request';
import { promote } from '../../lib/release/steps/promote';
import { readHead } from '../../lib/release/rollback/epoch';
import { leaseStoreFromEnv } from '../../lib/lambda/lease-store';
import * as z from '../../lib/validation/zod';

/** The ASL passes the state and the context object's Execution (its Id is the execution's ARN). */
const PromoteEventSchema = z.object({ state: ReleaseStateSchema, execution: z.looseObject({ Id: z.string() }) });

export const handler = stepHandler('promote', async (event: unknown, context: Context) => {
  const { input, settings } = parseReleaseStep(PromoteEventSchema, event, 'promote', (e) => e.state);
  const release = input.state;
  // Before the stored result: a replay must not publish what the configuration now holds back, and
  // the approval is read from the execution's history, not from an input anyone invoking this could write.
  await assertApprovedByExecution(release, settings, { arn: input.execution.Id, stateMachineName: process.env.STATE_MACHINE_NAME || undefined }, (arn) =>
    historyNewestFirst(sfnClient(), arn),
  );
  // The head a rollback moved, read when the step runs (not stored in the release): never promote past it.
  return runIdempotent(async (r: typeof release) => promote(r, iotClient(), await readHead(leaseStoreFromEnv(), r.opensearch.packageName)), release, context);
});
