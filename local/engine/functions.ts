import type { Context } from 'aws-lambda';
import { withinLocalLambdaConcurrency } from './lambda-concurrency';

/**
 * The step Lambdas as the local engine runs them: the same handler modules that are bundled
 * for AWS, keyed by the ASL placeholder that names their ARN (serverless.yml maps the same
 * placeholders in DefinitionSubstitutions).
 */
// Handlers differ in their event types; the engine only passes JSON through.
type Handler = (event: never, context: Context) => Promise<unknown>;

export interface LocalFunction {
  name: string;
  load: () => Promise<{ handler: Handler }>;
}

/**
 * Imports a handler module once, as a warm Lambda keeps it. Each `import()` call, even of a loaded
 * module, asks the module loader to resolve the specifier again (under tsx: a round trip to its
 * loader thread), the biggest cost of a local invocation.
 */
function once(load: LocalFunction['load']): LocalFunction['load'] {
  let loaded: ReturnType<LocalFunction['load']> | undefined;
  return () => (loaded ??= load());
}

export const STEP_FUNCTIONS_BY_PLACEHOLDER: Record<string, LocalFunction> = {
  PrepareFunctionArn: { name: 'prepare', load: once(() => import('../../functions/prepare/handler')) },
  CreateVersionFunctionArn: { name: 'createVersion', load: once(() => import('../../functions/create-version/handler')) },
  AttachSbomFunctionArn: { name: 'attachSbom', load: once(() => import('../../functions/attach-sbom/handler')) },
  CheckSbomFunctionArn: { name: 'checkSbom', load: once(() => import('../../functions/check-sbom/handler')) },
  UpdateOpenSearchFunctionArn: { name: 'updateOpenSearch', load: once(() => import('../../functions/update-opensearch/handler')) },
  CheckOpenSearchFunctionArn: { name: 'checkOpenSearch', load: once(() => import('../../functions/check-opensearch/handler')) },
  ApplyToDomainsFunctionArn: { name: 'applyToDomains', load: once(() => import('../../functions/apply-to-domains/handler')) },
  CheckDomainsFunctionArn: { name: 'checkDomains', load: once(() => import('../../functions/check-domains/handler')) },
  PromoteFunctionArn: { name: 'promote', load: once(() => import('../../functions/promote/handler')) },
  StartRolloutStageFunctionArn: { name: 'startRolloutStage', load: once(() => import('../../functions/start-rollout-stage/handler')) },
  WatchRolloutStageFunctionArn: { name: 'watchRolloutStage', load: once(() => import('../../functions/watch-rollout-stage/handler')) },
  RolloutDefaultFunctionArn: { name: 'rolloutDefault', load: once(() => import('../../functions/rollout-default/handler')) },
  // statemachines/rollback.asl.json
  RollbackValidateFunctionArn: { name: 'rollbackValidate', load: once(() => import('../../functions/rollback-validate/handler')) },
  RollbackOpenSearchFunctionArn: { name: 'rollbackOpenSearch', load: once(() => import('../../functions/rollback-opensearch/handler')) },
  RollbackCatalogFunctionArn: { name: 'rollbackCatalog', load: once(() => import('../../functions/rollback-catalog/handler')) },
  RollbackCheckImportFunctionArn: { name: 'rollbackCheckImport', load: once(() => import('../../functions/rollback-check-import/handler')) },
  RollbackApplyDomainsFunctionArn: { name: 'rollbackApplyDomains', load: once(() => import('../../functions/rollback-apply-domains/handler')) },
  RollbackCheckDomainsFunctionArn: { name: 'rollbackCheckDomains', load: once(() => import('../../functions/rollback-check-domains/handler')) },
  RollbackRolloutFunctionArn: { name: 'rollbackRollout', load: once(() => import('../../functions/rollback-rollout/handler')) },
};

export const TRIGGER_FUNCTION: LocalFunction = { name: 'trigger', load: once(() => import('../../functions/trigger/handler')) };
/** Object Created under sboms/ (its own EventBridge rule): an SBOM for a released version. */
export const SBOM_ARRIVED_FUNCTION: LocalFunction = { name: 'sbomArrived', load: once(() => import('../../functions/sbom-arrived/handler')) };

/** Functions keyed by their name (what an invocation names). */
export function byName(functions: LocalFunction[]): Record<string, LocalFunction> {
  return Object.fromEntries(functions.map((fn) => [fn.name, fn]));
}

/** Every local function by its name: what the Lambda thread (lambda-thread/) looks an invocation up in. */
export const LOCAL_FUNCTIONS_BY_NAME = byName([...Object.values(STEP_FUNCTIONS_BY_PLACEHOLDER), TRIGGER_FUNCTION, SBOM_ARRIVED_FUNCTION]);

/** Runs an invocation somewhere other than this event loop (lambda-thread/LambdaThread). */
export interface LambdaRuntime {
  invoke(functionName: string, event: unknown, timeoutSeconds: number): Promise<unknown>;
}
let runtime: LambdaRuntime | undefined;

/** Sends every invocation to `to` from now on; undefined: run handlers in this thread (the default). */
export function useLambdaRuntime(to: LambdaRuntime | undefined): void {
  runtime = to;
}

/** A Lambda-like context: function name (part of every idempotency key) and remaining time. */
export function lambdaContext(functionName: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `pkgrelease-local-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:pkgrelease-local-${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/pkgrelease-local-${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Invokes a handler the way Lambda reports results to Step Functions: a thrown error becomes
 * `{ name: errorType, message: errorMessage }` — nothing else of it crosses the boundary.
 * `timeoutSeconds` is the Lambda's timeout (the handler's remaining time, from when it runs);
 * `callerWaitsSeconds` how long the caller waits for the answer (the engine's Task timeout): an
 * invocation still queued for a slot by then never runs, since its state has already timed out.
 * The handler runs on the Lambda threads when the session has them (useLambdaRuntime), else here.
 */
export async function invokeLocally(fn: LocalFunction, event: unknown, timeoutSeconds: number, callerWaitsSeconds = timeoutSeconds): Promise<unknown> {
  const elsewhere = runtime;
  if (!elsewhere) await fn.load();
  const callerGivesUpAt = Date.now() + callerWaitsSeconds * 1000;
  return withinLocalLambdaConcurrency(async () => {
    if (Date.now() >= callerGivesUpAt) throw Object.assign(new Error(`not run: queued past its caller's ${callerWaitsSeconds} s timeout`), { name: 'States.Timeout' });
    return elsewhere ? elsewhere.invoke(fn.name, event, timeoutSeconds) : invokeInThisThread(fn, event, timeoutSeconds);
  });
}

/** One invocation on this thread's event loop, the result or error as the Lambda service passes them. */
export async function invokeInThisThread(fn: LocalFunction, event: unknown, timeoutSeconds: number): Promise<unknown> {
  const { handler } = await fn.load();
  try {
    // A JSON round trip, as the Lambda service does, so no handler sees another's objects.
    return JSON.parse(JSON.stringify((await handler(JSON.parse(JSON.stringify(event)) as never, lambdaContext(fn.name, timeoutSeconds))) ?? null));
  } catch (e) {
    const err = e as Error;
    throw Object.assign(new Error(err.message), { name: err.name || 'Error' });
  }
}
