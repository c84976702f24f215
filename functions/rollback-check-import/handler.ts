import * as z from '../../lib/validation/zod';
import { openSearchDepsFromEnv } from '../../lib/lambda/opensearch-deps';
import { parseRollbackStep } from '../../lib/lambda/rollback-step';
import { stepHandler } from '../../lib/lambda/step-handler';
import { checkRollbackImport } from '../../lib/release/rollback/check-opensearch';
import { RollbackStateSchema } from '../../lib/release/rollback/request';
import { UpdateOpenSearchResultSchema } from '../../lib/release/steps/import-result';

const CheckImportSchema = z.extend(RollbackStateSchema, {
  steps: z.looseObject({
    rollBackOpenSearch: UpdateOpenSearchResultSchema,
  }),
});

/** CheckRollbackImport: polled (Retry on OpenSearchNotReady) until the package serves the target's bytes again. */
export const handler = stepHandler('checkRollbackImport', async (event: unknown) => {
  const { input: state, settings } = parseRollbackStep(event, 'checkRollbackImport', CheckImportSchema);
  const hasDomains = (settings.domains ?? 'associated') !== 'none';
  return checkRollbackImport(state, state.plan, state.steps.rollBackOpenSearch, { ...openSearchDepsFromEnv(), hasDomains });
});
