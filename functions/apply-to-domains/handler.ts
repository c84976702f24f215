import * as z from '../../lib/validation/zod';
import { domainsClient, domainSettings, underLease, whereFromContext, whileLockedByAnother } from '../../lib/lambda/domain-deps';
import type { LeaseCheck } from '../../lib/release/domain-state';
import { parseReleaseStep, stepHandler } from '../../lib/lambda/step-handler';
import { ReleaseStateSchema } from '../../lib/release/request';
import { applyToDomains, nothingToWaitFor } from '../../lib/release/steps/apply-to-domains';

const ApplyStateSchema = z.extend(ReleaseStateSchema, {
  steps: z.looseObject({ checkOpenSearch: z.looseObject({ packageId: z.string(), packageName: z.string(), packageType: z.optional(z.string()) }) }),
});

/**
 * Applies the OpenSearch update to the package's domains under the package's lease. No Powertools
 * record: it converges by looking (a domain on this release or a newer one is left alone), and it
 * must take the lease on every run, a redrive's included.
 */
export const handler = stepHandler('applyToDomains', async (event: unknown, context) => {
  const { input: state } = parseReleaseStep(ApplyStateSchema, event, 'applyToDomains');
  const update = state.steps.checkOpenSearch;
  const { selection } = domainSettings(state);
  const input = { release: state, update, domains: selection, where: whereFromContext(context) };
  if (selection === 'none') return applyToDomains(input, domainsClient(), async () => undefined);
  const apply = (assertLease: LeaseCheck) => applyToDomains(input, domainsClient(), assertLease);
  // Another release holds the lease: no wait when no domain needs a change.
  const unchanged = await whileLockedByAnother(state, update.packageName, apply, nothingToWaitFor);
  if (unchanged) return unchanged;
  // Nothing started: nothing for CheckDomains to wait for under the lease, so let the next release in.
  return underLease(state, update.packageName, apply, nothingToWaitFor);
});
