import * as z from '../../lib/validation/zod';
import { openSearchDepsFromEnv } from '../../lib/lambda/opensearch-deps';
import { parseRollbackStep } from '../../lib/lambda/rollback-step';
import { stepHandler } from '../../lib/lambda/step-handler';
import { checkRollbackImport } from '../../lib/release/rollback/check-opensearch';
import { RollbackStateSchema } from '../../lib/release/rollback/request';

const CheckImportSchema = z.extend(RollbackStateSchema, {
  steps: z.looseObject({
    rollBackOpenSearch: z.object({
      packageId: z.string(),
      packageName: z.string(),
      outcome: z.enum(['importing', 'served', 'superseded']),
      commitMessage: z.string(),
      packageVersion: z.optional(z.string()),
      servedVersion: z.optional(z.string()),
      fence: z.optional(z.number().check(z.int())),
      packageType: z.optional(z.string()),
      startedAt: z.optional(z.number()),
    }),
  }),
});

/** CheckRollbackImport: polled (Retry on OpenSearchNotReady) until the package serves the target's bytes again. */
export const handler = stepHandler('checkRollbackImport', async (event: unknown) => {
  const { input: state, settings } = parseRollbackStep(event, 'checkRollbackImport', CheckImportSchema);
  const hasDomains = (settings.domains ?? 'associated') !== 'none';
  return checkRollbackImport(state, state.plan, state.steps.rollBackOpenSearch, { ...openSearchDepsFromEnv(), hasDomains });
});
