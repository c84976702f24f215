import * as z from '../../lib/validation/zod';
import { domainsClient, underLease, whereFromContext } from '../../lib/lambda/domain-deps';
import { parseRollbackStep, rollbackAsRelease } from '../../lib/lambda/rollback-step';
import { stepHandler } from '../../lib/lambda/step-handler';
import { RollbackStateSchema } from '../../lib/release/rollback/request';
import { applyToDomains, nothingToWaitFor } from '../../lib/release/steps/apply-to-domains';

const ApplySchema = z.extend(RollbackStateSchema, {
  steps: z.looseObject({
    checkOpenSearch: z.looseObject({ packageId: z.string(), packageName: z.string(), outcome: z.string(), servedVersion: z.optional(z.string()), packageType: z.optional(z.string()) }),
  }),
});

/**
 * ApplyRollbackToDomains: the release's ApplyToDomains logic for a "release" of the target owned by
 * the rollback, with the head it moved: a domain on a barred version counts as older, so it is
 * associated again and picks up the re-import. Under the lease the rollback holds since its import.
 */
export const handler = stepHandler('applyRollbackToDomains', async (event: unknown, context) => {
  const { input: state, settings } = parseRollbackStep(event, 'applyRollbackToDomains', ApplySchema);
  const update = state.steps.checkOpenSearch;
  const selection = settings.domains ?? 'associated';
  // A newer release went forward since the rollback was planned: its own domain steps apply it.
  if (update.outcome === 'superseded') return { selection: Array.isArray(selection) ? 'listed' : selection, domains: [], startedAt: Date.now(), supersededBy: update.servedVersion };
  const release = rollbackAsRelease(state);
  const input = { release, update, domains: selection, where: whereFromContext(context) };
  if (selection === 'none') return applyToDomains(input, domainsClient(), async () => undefined);
  return underLease(release, update.packageName, (assertLease, rolledBack) => applyToDomains({ ...input, rolledBack }, domainsClient(), assertLease), nothingToWaitFor);
});
