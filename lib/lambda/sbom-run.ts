import * as z from '../validation/zod';
import { packageSettings, packagesConfigFromEnv } from '../release/config';
import { ReleaseStateSchema } from '../release/request';
import { ATTACH_OUTCOMES, type SbomRun } from '../release/sbom/attach';
import { sbomPolicy, sbomWaitMinutes } from '../release/sbom/settings';
import { stateMachineTimeScale } from './state-machine-time-scale';
import { parseReleaseStep } from './step-handler';

/** AttachSbom's result, as CheckSbom finds it in the state (`steps.attachSbom`); anything else is ignored. */
const AttachOutcomeSchema = z.object({ attachSbom: z.optional(z.object({ outcome: z.enum(ATTACH_OUTCOMES) })) });

/** The ASL passes the state and the context object's Execution (RedriveTime only exists after a redrive). */
const SbomStepEventSchema = z.object({
  state: ReleaseStateSchema,
  execution: z.looseObject({ StartTime: z.string(), RedriveTime: z.optional(z.string()) }),
});

/**
 * What AttachSbom and CheckSbom run on: the release, and the package's SBOM policy read from
 * PACKAGES_CONFIG when the step runs (a changed configuration applies on redrive) with this run's start.
 */
export function sbomStepInput(event: unknown, step: string): { release: z.infer<typeof ReleaseStateSchema>; run: SbomRun } {
  const { state, execution } = parseReleaseStep(SbomStepEventSchema, event, step, (e) => e.state).input;
  const settings = packageSettings(packagesConfigFromEnv(), state.packageName);
  const run: SbomRun = {
    policy: sbomPolicy(settings),
    waitMinutes: sbomWaitMinutes(settings),
    runStartedAt: Date.parse(execution.RedriveTime ?? execution.StartTime),
    timeScale: stateMachineTimeScale(),
    attachOutcome: AttachOutcomeSchema.safeParse(state.steps).data?.attachSbom?.outcome,
  };
  return { release: state, run };
}
