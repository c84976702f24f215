import type { Context } from 'aws-lambda';
import { iotClient } from '../../lib/clients/aws';
import { runIdempotent } from '../../lib/lambda/idempotency';
import { parseReleaseStep, stepHandler } from '../../lib/lambda/step-handler';
import { assertApproved } from '../../lib/release/recheck';
import { ReleaseStateSchema } from '../../lib/release/request';
import { promote } from '../../lib/release/steps/promote';

export const handler = stepHandler('promote', async (event: unknown, context: Context) => {
  const { input: release, settings } = parseReleaseStep(ReleaseStateSchema, event, 'promote');
  // Before the stored result: a replay must not publish what the configuration now holds back.
  assertApproved(release, settings);
  return runIdempotent((r: typeof release) => promote(r, iotClient()), release, context);
});
