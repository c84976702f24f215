import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { opensearchClient } from '../../lib/clients/aws';
import { runIdempotent } from '../../lib/lambda/idempotency';
import { parseStepInput, stepHandler } from '../../lib/lambda/step-handler';
import { ReleaseStateSchema } from '../../lib/release/request';
import { checkOpenSearch } from '../../lib/release/steps/check-opensearch';

const CheckStateSchema = ReleaseStateSchema.extend({
  steps: z.looseObject({
    updateOpenSearch: z.object({
      packageId: z.string(),
      packageName: z.string(),
      outcome: z.enum(['updated', 'already-applied', 'superseded']),
      commitMessage: z.string(),
      supersededBy: z.string().optional(),
    }),
  }),
  poll: z.object({ count: z.number().int().nonnegative(), max: z.number().int().positive() }),
});

/**
 * The wait loop's status check. Each poll is its own idempotent call — keyed on the clientToken
 * AND the poll number — so a retried poll replays its answer while the next poll looks again.
 */
export const handler = stepHandler('checkOpenSearch', async (event: unknown, context: Context) => {
  const state = parseStepInput(CheckStateSchema, event, 'checkOpenSearch');
  return runIdempotent(
    (s: typeof state) => checkOpenSearch({ release: s, update: s.steps.updateOpenSearch, poll: s.poll }, opensearchClient()),
    state,
    context,
    '[clientToken, poll.count]',
  );
});
