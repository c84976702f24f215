import * as z from '../../validation/zod';
import type { RolloutSettings } from './settings';

/**
 * `$.rollout` in the execution: Prepare puts the stage names there when the package has a rollout;
 * StartRolloutStage and WatchRolloutStage return it (ResultPath `$.rollout`) with the stage being
 * watched and the outcome of every stage so far, so the execution output says how each went.
 */
const CountsSchema = z.object({
  queued: z.number(),
  inProgress: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  rejected: z.number(),
  timedOut: z.number(),
  removed: z.number(),
  canceled: z.number(),
});

export const StageOutcomeSchema = z.object({
  stage: z.string(),
  jobId: z.optional(z.string()),
  attempt: z.number(),
  /** `passed`; `superseded`: a newer release's rollout took over its targets (job canceled, or never started). */
  outcome: z.enum(['passed', 'superseded']),
  counts: z.optional(CountsSchema),
  supersededBy: z.optional(z.string()),
});
export type StageOutcome = z.infer<typeof StageOutcomeSchema>;

/** `watching` a stage's job; `next` stage to start; `approval` before the next; `done` every stage passed; `superseded` stopped for a newer release. */
export const ROLLOUT_STATUSES = ['watching', 'next', 'approval', 'done', 'superseded'] as const;

export const RolloutStateSchema = z.object({
  stages: z.array(z.string()),
  /** Index of the stage StartRolloutStage starts next (default 0). */
  next: z.optional(z.number().check(z.int(), z.nonnegative())),
  status: z.optional(z.enum(ROLLOUT_STATUSES)),
  current: z.optional(z.object({ stage: z.string(), index: z.number(), jobId: z.string(), attempt: z.number() })),
  outcomes: z.optional(z.array(StageOutcomeSchema)),
  /** While `approval`: the stage that passed and the one that waits (the approval message names them). */
  approval: z.optional(z.object({ after: z.string(), before: z.string() })),
});
export type RolloutState = z.infer<typeof RolloutStateSchema>;

/** What Prepare puts in the release: the stage names, or nothing when the package has no rollout. */
export function rolloutPlan(settings: RolloutSettings | undefined): RolloutState | undefined {
  return settings ? { stages: settings.stages.map((s) => s.name) } : undefined;
}
