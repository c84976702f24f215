import { IOT } from '../constraints';
import * as z from '../../validation/zod';

/** What `pkgrelease rollback` starts the rollback state machine with (statemachines/rollback.asl.json). */
export const RollbackInputSchema = z.strictObject({
  packageName: z.string().check(z.minLength(1)),
  /** The version to go back to. */
  targetVersion: z.string().check(z.minLength(1)),
  /** Who asked, and why: in the OpenSearch commit message, the job's cancel comment and the logs. */
  requestedBy: z.string().check(z.minLength(1), z.maxLength(128)),
  reason: z.optional(z.string().check(z.maxLength(1024))),
  /** The rollback's idempotency key: every step's record, the IoT client tokens, the job id and the lease epoch. */
  rollbackToken: z.string().check(z.minLength(8), z.maxLength(IOT.clientToken.max), z.regex(/^[a-zA-Z0-9_-]+$/, 'a rollback token is letters, digits, - and _')),
});
export type RollbackInput = z.infer<typeof RollbackInputSchema>;

/** A rollback's input from an execution's input text, or undefined for a release's (or unreadable) input. */
export function rollbackInputOf(input: string | null | undefined): RollbackInput | undefined {
  try {
    return RollbackInputSchema.safeParse(input ? JSON.parse(input) : undefined).data;
  } catch {
    return undefined;
  }
}

/** The request as the steps use it: the input, the OpenSearch package from the configuration, the execution. */
export const RollbackRequestSchema = z.object({
  ...RollbackInputSchema.shape,
  /** The OpenSearch package the IoT package's releases update (config/packages.json), resolved by ValidateRollback. */
  opensearch: z.object({ packageName: z.string().check(z.minLength(1)) }),
  execution: z.optional(z.string()),
});
export type RollbackRequest = z.infer<typeof RollbackRequestSchema>;

const PlanSchema = z.object({
  target: z.object({ versionName: z.string(), bucket: z.string(), key: z.string(), version: z.string(), etag: z.string(), size: z.optional(z.number()) }),
  head: z.string(),
  above: z.array(z.string()),
  headEpoch: z.optional(z.number()),
});

/** What each step after ValidateRollback receives: the request, the plan, and earlier steps' results under `steps`. */
export const RollbackStateSchema = z.looseObject({ ...RollbackRequestSchema.shape, plan: PlanSchema, steps: z.optional(z.looseObject({})) });
export type RollbackState = z.infer<typeof RollbackStateSchema>;
