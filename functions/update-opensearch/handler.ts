import type { Context } from 'aws-lambda';
import { runIdempotent } from '../../lib/lambda/idempotency';
import { pollTimingDepsFromEnv } from '../../lib/lambda/poll-timing-deps';
import { openSearchDepsFromEnv } from '../../lib/lambda/opensearch-deps';
import { parseReleaseStep, stepHandler } from '../../lib/lambda/step-handler';
import { importFirstWait } from '../../lib/release/poll-timing';
import { ReleaseStateSchema } from '../../lib/release/request';
import { leaseOwner, updateOpenSearch, waitIfLocked } from '../../lib/release/steps/update-opensearch';

export const handler = stepHandler('updateOpenSearch', async (event: unknown, context: Context) => {
  const { input: release } = parseReleaseStep(ReleaseStateSchema, event, 'updateOpenSearch');
  const deps = openSearchDepsFromEnv();
  await waitIfLocked(release, deps);
  const result = await runIdempotent(async (r: typeof release) => {
    // Taken before the call, so a learned duration never falls short of the import (the service
    // starts it while the request is in flight): CheckOpenSearch reports the duration from it.
    const startedAt = Date.now();
    const result = await updateOpenSearch(r, deps);
    return result.outcome === 'importing' ? { ...result, startedAt } : result;
  }, release, context);
  // Outside the stored record: a replayed result waits only for what is left of its import.
  return { ...result, firstPollSeconds: await importFirstWait(result, leaseOwner(release), pollTimingDepsFromEnv(deps.lease)) };
});
