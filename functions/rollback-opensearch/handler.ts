import { openSearchDepsFromEnv } from '../../lib/lambda/opensearch-deps';
import { parseRollbackStep } from '../../lib/lambda/rollback-step';
import { stepHandler } from '../../lib/lambda/step-handler';
import { rollBackOpenSearch } from '../../lib/release/rollback/opensearch';

/**
 * StartRollbackImport: under the OpenSearch package's lease, the head moves to the target and the
 * target's pinned bytes are imported again. No Powertools record: it finds its own import by the
 * rollback token (the commit message), so a retry or a redrive never imports twice.
 */
export const handler = stepHandler('rollBackOpenSearch', async (event: unknown) => {
  const { state } = parseRollbackStep(event, 'rollBackOpenSearch');
  return { ...(await rollBackOpenSearch(state, state.plan, openSearchDepsFromEnv())), startedAt: Date.now() };
});
