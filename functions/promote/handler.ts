import type { Context } from 'aws-lambda';
import { iotClient, sfnClient } from '../../lib/clients/aws';
import { historyNewestFirst } from '../../lib/clients/sfn';
import { runIdempotent } from '../../lib/lambda/idempotency';
import { parseReleaseStep, stepHandler } from '../../lib/lambda/step-handler';
import { assertApprovedByExecution } from '../../lib/release/approval-proof';
import { ReleaseStateSchema } from '../../lib/release/request';
import { promote } from '../../lib/release/steps/promote';
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
  return runIdempotent((r: typeof release) => promote(r, iotClient()), release, context);
});
