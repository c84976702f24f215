import * as z from '../../lib/validation/zod';
import { domainsClient, domainSettings, underLease, whereFromContext, whileLockedByAnother } from '../../lib/lambda/domain-deps';
import { pollTimingDepsFromEnv } from '../../lib/lambda/poll-timing-deps';
import { domainWaitMinutes } from '../../lib/release/config';
import type { LeaseCheck } from '../../lib/release/domain-state';
import type { RolledBackHead } from '../../lib/release/lease';
import { parseReleaseStep, stepHandler } from '../../lib/lambda/step-handler';
import { domainsFirstWait } from '../../lib/release/poll-timing';
import { ReleaseStateSchema } from '../../lib/release/request';
import { leaseOwner } from '../../lib/release/steps/update-opensearch';
import { applyToDomains, type ApplyToDomainsResult, nothingToWaitFor } from '../../lib/release/steps/apply-to-domains';

const ApplyStateSchema = z.extend(ReleaseStateSchema, {
  steps: z.looseObject({ checkOpenSearch: z.looseObject({ packageId: z.string(), packageName: z.string(), packageType: z.optional(z.string()) }) }),
});

/**
 * Applies the OpenSearch update to the package's domains under the package's lease. No Powertools
 * record: it converges by looking (a domain on this release or a newer one is left alone), and it
 * must take the lease on every run, a redrive's included. Returns with `firstPollSeconds`, the
 * state machine's wait before CheckDomains looks (lib/release/poll-timing.ts).
 */
export const handler = stepHandler('applyToDomains', async (event: unknown, context) => {
  const { input: state } = parseReleaseStep(ApplyStateSchema, event, 'applyToDomains');
  const update = state.steps.checkOpenSearch;
  const { selection, settings } = domainSettings(state);
  const input = { release: state, update, domains: selection, where: whereFromContext(context) };
  const withFirstWait = async (result: ApplyToDomainsResult) => ({
    ...result,
    firstPollSeconds: await domainsFirstWait(result, { opensearchPackage: update.packageName, owner: leaseOwner(state), budgetSeconds: domainWaitMinutes(settings, result.packageType) * 60 }, pollTimingDepsFromEnv()),
  });
  if (selection === 'none') return withFirstWait(await applyToDomains(input, domainsClient(), async () => undefined));
  const apply = (assertLease: LeaseCheck, rolledBack: RolledBackHead | undefined) => applyToDomains({ ...input, rolledBack }, domainsClient(), assertLease);
  // Another release holds the lease: no wait when no domain needs a change.
  const unchanged = await whileLockedByAnother(state, update.packageName, apply, nothingToWaitFor);
  if (unchanged) return withFirstWait(unchanged);
  // Nothing started: nothing for CheckDomains to wait for under the lease, so let the next release in.
  return withFirstWait(await underLease(state, update.packageName, apply, nothingToWaitFor));
});
