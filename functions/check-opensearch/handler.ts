import * as z from '../../lib/validation/zod';
import { parseStepInput, stepHandler } from '../../lib/lambda/step-handler';
import { ReleaseStateSchema } from '../../lib/release/request';
import { checkOpenSearch } from '../../lib/release/steps/check-opensearch';
import { openSearchDepsFromEnv } from '../../lib/lambda/opensearch-deps';

const CheckStateSchema = z.extend(ReleaseStateSchema, {
  steps: z.looseObject({
    updateOpenSearch: z.object({
      packageId: z.string(),
      packageName: z.string(),
      outcome: z.enum(['importing', 'served', 'superseded']),
      commitMessage: z.string(),
      packageVersion: z.optional(z.string()),
      servedVersion: z.optional(z.string()),
      fence: z.optional(z.number().check(z.int())),
      packageType: z.optional(z.string()),
    }),
  }),
});

/**
 * The OpenSearch wait: the ASL retries this state on OpenSearchNotReady (one transition per poll).
 * No Powertools record: each poll must look again, and it changes nothing but the lease's expiry.
 */
export const handler = stepHandler('checkOpenSearch', async (event: unknown) => {
  const state = parseStepInput(CheckStateSchema, event, 'checkOpenSearch');
  return checkOpenSearch(state, state.steps.updateOpenSearch, openSearchDepsFromEnv());
});
