import * as z from '../../validation/zod';

/** A rollback request: what `pkgrelease rollback` starts the rollback state machine with. */
export const RollbackRequestSchema = z.object({
  packageName: z.string().check(z.minLength(1)),
  /** The version to go back to. */
  targetVersion: z.string().check(z.minLength(1)),
  /** The OpenSearch package the IoT package's releases update (config/packages.json). */
  opensearch: z.object({ packageName: z.string().check(z.minLength(1)) }),
  /** Who asked, and why: in the OpenSearch commit message and the logs. */
  requestedBy: z.string().check(z.minLength(1)),
  reason: z.optional(z.string()),
  /** The rollback's idempotency key: every step's record, the IoT client tokens and the lease epoch. */
  rollbackToken: z.string().check(z.minLength(8)),
  execution: z.optional(z.string()),
});
export type RollbackRequest = z.infer<typeof RollbackRequestSchema>;

/** What each step after ValidateRollback receives: the request plus earlier steps' results. */
export const RollbackStateSchema = z.looseObject(RollbackRequestSchema.shape);
export type RollbackState = z.infer<typeof RollbackStateSchema>;
