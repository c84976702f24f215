import * as z from 'zod';
import { domainsClient, domainSettings, domainWaitMinutes, holdLease } from '../../lib/lambda/domain-deps';
import { parseStepInput, stepHandler } from '../../lib/lambda/step-handler';
import { ReleaseError } from '../../lib/release/errors';
import { ReleaseStateSchema } from '../../lib/release/request';
import { ApplyToDomainsResultSchema, nothingToWaitFor } from '../../lib/release/steps/apply-to-domains';
import { checkDomains } from '../../lib/release/steps/check-domains';

/** The ASL passes the state and the context object's Execution (RedriveTime only exists after a redrive). */
const CheckEventSchema = z.object({
  state: ReleaseStateSchema.extend({
    steps: z.looseObject({
      checkOpenSearch: z.looseObject({ packageId: z.string(), packageName: z.string() }),
      applyToDomains: ApplyToDomainsResultSchema.loose(),
    }),
  }),
  execution: z.looseObject({ StartTime: z.string(), RedriveTime: z.string().optional() }),
});

/**
 * The domain wait: the ASL retries this state on DomainsPending (one transition per poll). Takes
 * the lease on every poll and gives it up when every domain is done or the release failed here.
 * No Powertools record: each poll must look again.
 */
export const handler = stepHandler('checkDomains', async (event: unknown) => {
  const { state, execution } = parseStepInput(CheckEventSchema, event, 'checkDomains');
  const { update, apply } = { update: state.steps.checkOpenSearch, apply: state.steps.applyToDomains };
  if (nothingToWaitFor(apply)) return { domains: apply.domains };
  const held = await holdLease(state, update.packageName);
  const { settings } = domainSettings(state);
  try {
    const result = await checkDomains(
      {
        release: state,
        update,
        apply,
        runStartedAt: Date.parse(execution.RedriveTime ?? execution.StartTime),
        waitMinutes: domainWaitMinutes(settings, apply.packageType),
      },
      domainsClient(),
      held.assertLease,
    );
    await held.release();
    return result;
  } catch (e) {
    // Still waiting (or retrying): keep the lease. Failed for good: let the next release in.
    if (e instanceof ReleaseError && !e.retryable) await held.release();
    throw e;
  }
});
