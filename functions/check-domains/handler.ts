import * as z from '../../lib/validation/zod';
import { domainsClient, underLease } from '../../lib/lambda/domain-deps';
import { domainWaitMinutes } from '../../lib/release/config';
import { parseReleaseStep, stepHandler } from '../../lib/lambda/step-handler';
import { approvalRequiredNow } from '../../lib/release/recheck';
import { ReleaseStateSchema } from '../../lib/release/request';
import { ApplyToDomainsResultSchema, nothingToWaitFor } from '../../lib/release/steps/apply-to-domains';
import { checkDomains } from '../../lib/release/steps/check-domains';
import { recordWaitDone, secondsSince } from '../../lib/lambda/metrics';
import { pollTimingDepsFromEnv } from '../../lib/lambda/poll-timing-deps';
import { stateMachineTimeScale } from '../../lib/lambda/state-machine-time-scale';
import { associationKind, learnDuration, startedAssociations } from '../../lib/release/poll-timing';

/** The ASL passes the state and the context object's Execution (RedriveTime only exists after a redrive). */
const CheckEventSchema = z.object({
  state: z.extend(ReleaseStateSchema, {
    steps: z.looseObject({
      checkOpenSearch: z.looseObject({ packageId: z.string(), packageName: z.string() }),
      applyToDomains: z.looseObject(ApplyToDomainsResultSchema.shape),
    }),
  }),
  execution: z.looseObject({ StartTime: z.string(), RedriveTime: z.optional(z.string()) }),
});

/**
 * The domain wait: the ASL retries this state on DomainsPending (one transition per poll). Takes
 * the lease on every poll and gives it up when every domain is done or the release failed here.
 * No Powertools record: each poll must look again.
 */
export const handler = stepHandler('checkDomains', async (event: unknown) => {
  const { input: checked, settings } = parseReleaseStep(CheckEventSchema, event, 'checkDomains', (e) => e.state);
  const { state, execution } = checked;
  // The ApprovalRequired? gate that follows reads this: the configuration now, not Prepare's stored request.
  const gate = { requireApproval: approvalRequiredNow(settings) };
  const { update, apply } = { update: state.steps.checkOpenSearch, apply: state.steps.applyToDomains };
  if (nothingToWaitFor(apply)) return { domains: apply.domains, ...gate };
  const input = {
    release: state,
    update,
    apply,
    runStartedAt: Date.parse(execution.RedriveTime ?? execution.StartTime),
    waitMinutes: domainWaitMinutes(settings, apply.packageType),
    timeScale: stateMachineTimeScale(),
  };
  // Returns only once every domain is done: the lease is given up then.
  const result = await underLease(state, update.packageName, (assertLease, rolledBack) => checkDomains({ ...input, rolledBack }, domainsClient(), assertLease), () => true);
  const wait = apply.packageType === 'ZIP-PLUGIN' ? 'BlueGreenDeployment' : 'DomainAssociation';
  recordWaitDone(wait, apply.packageType, { name: 'DomainAssociationDuration', seconds: secondsSince(apply.startedAt) }, state);
  // Associations this release started ended: the next release of the package waits about that long first.
  if (startedAssociations(apply)) await learnDuration(update.packageName, associationKind(apply.packageType), apply.startedAt, pollTimingDepsFromEnv());
  return { ...result, ...gate };
});
