import type { Context } from 'aws-lambda';
import { iotClient } from '../../lib/clients/aws';
import { runIdempotent } from '../../lib/lambda/idempotency';
import { parseStepInput, stepHandler } from '../../lib/lambda/step-handler';
import { ReleaseStateSchema } from '../../lib/release/request';
import { promote } from '../../lib/release/steps/promote';

export const handler = stepHandler('promote', async (event: unknown, context: Context) => {
  const release = parseStepInput(ReleaseStateSchema, event, 'promote');
  return runIdempotent((r: typeof release) => promote(r, iotClient()), release, context);
});
