import type { AslDefinition } from './definition';

/**
 * Local runs compress time, not semantics: every Retry keeps its attempt counts, backoff rate and
 * jitter, and every Wait its proportion, but their seconds are multiplied by `scale` (0.01 turns
 * the ASL's 5 s retry into 50 ms, a 30 s poll into 300 ms). Task and execution timeouts are NOT
 * compressed: handlers do real work at real speed. Task timeouts may be stretched instead
 * (`taskTimeoutFactor`): one local process runs every Lambda of every execution, so a busy machine
 * stretches each handler's wall time in a way no Lambda on AWS sees; locally a Task timeout guards
 * against a hung handler, not against a loaded laptop.
 *
 * The engine runs this copy with validation off; the real definition is validated once.
 */
export function scaleDefinition(definition: AslDefinition, scale: number, taskTimeoutFactor = 1): AslDefinition {
  if (scale === 1 && taskTimeoutFactor === 1) return definition;
  const scaled = structuredClone(definition);
  for (const state of Object.values(scaled.States)) {
    if (state.Type === 'Task' && state.TimeoutSeconds !== undefined) state.TimeoutSeconds *= taskTimeoutFactor;
    const retriers = state.Retry as { IntervalSeconds?: number; MaxDelaySeconds?: number }[] | undefined;
    for (const retrier of retriers ?? []) {
      retrier.IntervalSeconds = (retrier.IntervalSeconds ?? ASL_DEFAULT_INTERVAL_SECONDS) * scale;
      if (retrier.MaxDelaySeconds !== undefined) retrier.MaxDelaySeconds *= scale;
    }
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') state.Seconds *= scale;
  }
  return scaled;
}

/** The ASL specification's default Retry interval. */
const ASL_DEFAULT_INTERVAL_SECONDS = 1;

/**
 * A Wait's `SecondsPath` reads its seconds from the state data at run time, which no rewrite of the
 * definition can scale (ASL has no multiplication, and SecondsPath takes whole seconds only). So a
 * run keeps a shadow of its data — the run's input with every Task result put at the Task's
 * ResultPath, as Step Functions does (the release ASL has no OutputPath or Pass results) — and
 * answers aws-local-stepfunctions' `waitTimeOverrides` (milliseconds, read when the Wait starts)
 * for those Waits from it, scaled. A value that is not a non-negative integer gets no override:
 * the library then reads it itself and fails the Wait as AWS would.
 */
export class ScaledPathWaits {
  private data: unknown;

  constructor(
    private readonly definition: AslDefinition,
    private readonly scale: number,
    input: unknown,
  ) {
    this.data = structuredClone(input);
  }

  /** Call with each Task's result (what its handler returned). */
  taskResult(stateName: string, result: unknown): void {
    const path = this.definition.States[stateName]?.ResultPath as string | null | undefined;
    if (path === null) return;
    if (path === undefined || path === '$') this.data = structuredClone(result);
    else this.data = setPath(this.data, path, structuredClone(result));
  }

  /** The `waitTimeOverrides` option: a getter per SecondsPath Wait. Empty at scale 1. */
  overrides(): Record<string, number> {
    const overrides: Record<string, number> = {};
    if (this.scale === 1) return overrides;
    for (const [name, state] of Object.entries(this.definition.States)) {
      if (state.Type !== 'Wait' || typeof state.SecondsPath !== 'string') continue;
      const path = state.SecondsPath;
      Object.defineProperty(overrides, name, {
        enumerable: true,
        get: () => {
          const seconds = getPath(this.data, path);
          return typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= 0 ? seconds * 1000 * this.scale : undefined;
        },
      });
    }
    return overrides;
  }
}

/** `$.a.b` → ['a', 'b']; the simple dotted paths the release ASL uses. */
function segments(path: string): string[] {
  if (!/^\$(\.[A-Za-z0-9_]+)+$/.test(path)) throw new Error(`local engine: cannot follow the path ${path} (only $.a.b paths)`);
  return path.slice(2).split('.');
}

function getPath(data: unknown, path: string): unknown {
  return segments(path).reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), data);
}

function setPath(data: unknown, path: string, value: unknown): unknown {
  const root = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const keys = segments(path);
  let at = root;
  for (const key of keys.slice(0, -1)) {
    const next = at[key];
    at = at[key] = (next && typeof next === 'object' ? next : {}) as Record<string, unknown>;
  }
  at[keys.at(-1)!] = value;
  return root;
}
