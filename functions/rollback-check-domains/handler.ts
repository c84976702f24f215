import * as z from '../../lib/validation/zod';
import { domainsClient, underLease } from '../../lib/lambda/domain-deps';
import { parseRollbackStep, rollbackAsRelease } from '../../lib/lambda/rollback-step';
import { stepHandler } from '../../lib/lambda/step-handler';
import { domainWaitMinutes } from '../../lib/release/config';
import { RollbackStateSchema } from '../../lib/release/rollback/request';
import { ApplyToDomainsResultSchema, nothingToWaitFor } from '../../lib/release/steps/apply-to-domains';
import { checkDomains } from '../../lib/release/steps/check-domains';

const CheckEventSchema = z.object({
  state: z.extend(RollbackStateSchema, {
    steps: z.looseObject({
      checkOpenSearch: z.looseObject({ packageId: z.string(), packageName: z.string() }),
      applyToDomains: z.looseObject(ApplyToDomainsResultSchema.shape),
    }),
  }),
  execution: z.looseObject({ StartTime: z.string(), RedriveTime: z.optional(z.string()) }),
});

/** CheckRollbackDomains: polled (Retry on DomainsPending) until every domain runs the re-import; the lease is given back then. */
export const handler = stepHandler('checkRollbackDomains', async (event: unknown) => {
  const { input, state, settings } = parseRollbackStep(event, 'checkRollbackDomains', CheckEventSchema, (e) => e.state);
  const { checkOpenSearch: update, applyToDomains: apply } = input.state.steps;
  if (nothingToWaitFor(apply)) return { domains: apply.domains };
  const release = rollbackAsRelease(state);
  const check = {
    release,
    update,
    apply,
    runStartedAt: Date.parse(input.execution.RedriveTime ?? input.execution.StartTime),
    waitMinutes: domainWaitMinutes(settings, apply.packageType),
  };
  return underLease(release, update.packageName, (assertLease, rolledBack) => checkDomains({ ...check, rolledBack }, domainsClient(), assertLease), () => true);
});
