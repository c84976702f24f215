import * as z from '../../lib/validation/zod';
import { parseReleaseStep, stepHandler } from '../../lib/lambda/step-handler';
import { ReleaseStateSchema } from '../../lib/release/request';
import { checkOpenSearch } from '../../lib/release/steps/check-opensearch';
import { UpdateOpenSearchResultSchema } from '../../lib/release/steps/import-result';
import { openSearchDepsFromEnv } from '../../lib/lambda/opensearch-deps';
import { recordWaitDone, secondsSince } from '../../lib/lambda/metrics';
import { pollTimingDepsFromEnv } from '../../lib/lambda/poll-timing-deps';
import { learnDuration } from '../../lib/release/poll-timing';

const CheckStateSchema = z.extend(ReleaseStateSchema, {
  steps: z.looseObject({
    updateOpenSearch: UpdateOpenSearchResultSchema,
  }),
});

/**
 * The OpenSearch wait: the ASL retries this state on OpenSearchNotReady (one transition per poll).
 * No Powertools record: each poll must look again, and it changes nothing but the lease's expiry.
 */
export const handler = stepHandler('checkOpenSearch', async (event: unknown) => {
  const { input: state } = parseReleaseStep(CheckStateSchema, event, 'checkOpenSearch');
  const update = state.steps.updateOpenSearch;
  const deps = openSearchDepsFromEnv();
  const result = await checkOpenSearch(state, update, deps);
  const imported = update.outcome === 'importing' ? secondsSince(update.startedAt) : undefined;
  recordWaitDone('OpenSearchImport', result.packageType, { name: 'OpenSearchImportDuration', seconds: imported }, state);
  // This release's own import ended: the next release of the package waits about that long first.
  if (result.outcome === 'served' && update.outcome === 'importing') await learnDuration(update.packageName, 'import', update.startedAt, pollTimingDepsFromEnv(deps.lease));
  return result;
});
