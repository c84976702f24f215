import type * as z from '../validation/zod';
import { packageSettings, packagesConfigFromEnv, type PackageSettings } from '../release/config';
import { type RollbackState, RollbackStateSchema } from '../release/rollback/request';
import { parseStepInput } from './step-handler';

/**
 * A rollback step's input after ValidateRollback, parsed, with the package's settings as configured
 * now (a redrive after a configuration fix reads the fix). `stateOf` finds the state where the ASL
 * wraps it with the context object's Execution.
 */
export function parseRollbackStep<S extends z.ZodMiniType = typeof RollbackStateSchema>(
  event: unknown,
  step: string,
  schema: S = RollbackStateSchema as unknown as S,
  stateOf: (input: z.infer<S>) => RollbackState = (input) => input as RollbackState,
): { input: z.infer<S>; state: RollbackState; settings: PackageSettings } {
  const input = parseStepInput(schema, event, step);
  const state = stateOf(input);
  return { input, state, settings: packageSettings(packagesConfigFromEnv(), state.packageName) };
}

/** The rollback seen by the release's domain logic: a "release" of the target, owned by the rollback's execution. */
export function rollbackAsRelease(state: RollbackState): { packageName: string; versionName: string; clientToken: string; execution?: string } {
  return { packageName: state.packageName, versionName: state.plan.target.versionName, clientToken: state.rollbackToken, ...(state.execution && { execution: state.execution }) };
}
