import type { Context } from 'aws-lambda';
import type * as z from '../validation/zod';
import { packagesConfigFromEnv, type PackageSettings } from '../release/config';
import { InvalidRelease, ReleaseError } from '../release/errors';
import { classifyAwsError } from '../release/errors-sdk';
import { recheckRelease } from '../release/recheck';
import type { ReleaseState } from '../release/request';
import { appendReleaseKeys, logger } from './logger';
import { recordStepError } from './metrics';

/**
 * The wiring every step Lambda shares: attach the release identity to the logs, run the step,
 * and turn transient AWS errors into the one retryable name the state machine knows
 * (`TransientAwsError`). Named release errors pass through unchanged for the ASL to match.
 */
export function stepHandler<E, R>(
  step: string,
  run: (event: E, context: Context) => Promise<R>,
): (event: E, context: Context) => Promise<R> {
  return async (event, context) => {
    logger.addContext(context);
    logger.resetKeys();
    const keys = releaseKeysOf(event);
    appendReleaseKeys(keys);
    try {
      const result = await run(event, context);
      logger.info(`${step} done`, { result: summarize(result) });
      return result;
    } catch (e) {
      const error = classifyAwsError(e, step) as Error;
      // Step Functions shows the message as the cause: never let a failure surface without one.
      if (!error.message) error.message = `${error.name} in ${step}, without a message from its source`;
      const level = error instanceof ReleaseError && error.retryable ? 'warn' : 'error';
      logger[level](`${step} failed: ${error.name}`, { error: { name: error.name, message: error.message } });
      recordStepError(error.name, keys);
      throw error;
    }
  };
}

/**
 * The release's identity in a step's input, for the logs and the metrics: from the state itself, or
 * from `state` where the ASL wraps it, with the execution's name (the state's, or the context object's).
 */
function releaseKeysOf(event: unknown): { packageName?: string; versionName?: string; clientToken?: string; execution?: string } {
  const e = (event && typeof event === 'object' ? event : {}) as { state?: unknown; execution?: unknown };
  const s = (e.state && typeof e.state === 'object' ? e.state : e) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const context = e.execution && typeof e.execution === 'object' ? text((e.execution as { Name?: unknown }).Name) : undefined;
  return { packageName: text(s.packageName), versionName: text(s.versionName), clientToken: text(s.clientToken), execution: text(s.execution) ?? context ?? text(e.execution) };
}

/** Attributes and recipe are `@sensitive` in the IoT model: never logged. */
function summarize(result: unknown): unknown {
  return result && typeof result === 'object' && 'artifact' in result ? { ...(result as object), attributes: undefined, recipe: undefined } : result;
}

/** Parses a step's input; a state that does not fit means the execution input was tampered with. */
export function parseStepInput<S extends z.ZodMiniType>(schema: S, event: unknown, step: string): z.infer<S> {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InvalidRelease(`${step} received an unexpected state: ${issue.message}; start a new execution from the release request`, issue.path.join('.') || undefined);
}

/**
 * A step's input, parsed, with what the step relies on checked again against the stack now (lib/release/recheck.ts):
 * the package's configuration, the artifact bucket, the OpenSearch package. `stateOf` finds the
 * release state where the ASL wraps it. Returns the package's settings as configured now.
 */
export function parseReleaseStep<S extends z.ZodMiniType>(
  schema: S,
  event: unknown,
  step: string,
  stateOf: (input: z.infer<S>) => ReleaseState = (input) => input as ReleaseState,
): { input: z.infer<S>; settings: PackageSettings } {
  const input = parseStepInput(schema, event, step);
  const settings = recheckRelease(stateOf(input), { config: packagesConfigFromEnv(), artifactBucket: process.env.ARTIFACT_BUCKET || undefined }, step);
  return { input, settings };
}
