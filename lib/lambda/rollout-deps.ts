import * as z from '../validation/zod';
import { iotClient } from '../clients/aws';
import { ReleaseStateSchema } from '../release/request';
import { RolloutStateSchema } from '../release/rollout/state';
import type { RolloutDeps } from '../release/rollout/supersede';
import { leaseStoreFromEnv } from './lease-store';

/** What the rollout Lambdas hand the release logic: IoT, and the rollout lease in the idempotency table. */
export function rolloutDepsFromEnv(): RolloutDeps {
  return { iot: iotClient(), lease: leaseStoreFromEnv() };
}

/** The ASL passes the state and the context object's Execution (RedriveCount names the attempt). */
export const RolloutEventSchema = z.object({
  state: z.extend(ReleaseStateSchema, {
    rollout: RolloutStateSchema,
    steps: z.looseObject({ createVersion: z.looseObject({ versionArn: z.string() }) }),
  }),
  execution: z.looseObject({ Name: z.string(), StartTime: z.string(), RedriveCount: z.optional(z.number()), RedriveTime: z.optional(z.string()) }),
});
