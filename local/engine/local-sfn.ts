import './polyfills';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { STEP_FUNCTIONS } from '../../lib/release/constraints';
import { type AslDefinition, loadDefinitionText, placeholders, substitute } from './definition';
import { ScaledPathWaits, scaleDefinition } from './time-scale';
import { type ExecutionRecord, failedState, type StateRecord } from './executions';
import { invokeLocally, type LocalFunction, STEP_FUNCTIONS_BY_PLACEHOLDER } from './functions';
import { LocalSfnError } from './sfn-errors';
import { LocalTaskTokens } from './task-tokens';

export { LocalSfnError } from './sfn-errors';

export interface LocalStepFunctionsOptions {
  region?: string;
  accountId?: string;
  stateMachineName?: string;
  /**
   * Multiplies every Retry interval and Wait of the ASL (1 = AWS's own timing; the local session's
   * 0.01 turns a 30 s poll into 300 ms). Attempt counts and backoff shape are kept.
   */
  timeScale?: number;
  /** Multiplies every Task's TimeoutSeconds (see time-scale.ts); default 1. */
  taskTimeoutFactor?: number;
  /** Executions recorded by an earlier run (the state dir). */
  executions?: ExecutionRecord[];
  /** Another definition than statemachines/release.asl.json (the latency bench's variant of its Retry shapes). */
  definitionText?: string;
  /** Called whenever a state is entered, left, retried or failed, and when an execution ends. */
  onProgress?: (execution: ExecutionRecord, state?: StateRecord) => void;
}

const VALIDATION_OPTIONS = { checkArn: false };

/**
 * Validates the definition as aws-local-stepfunctions does, unless this installed version of it
 * already accepted this exact definition (with these options). Every `pkgrelease local` command
 * is a fresh process whose validation costs ~400 ms of CPU (ajv compiling asl-validator's schemas,
 * cold), about a third of a short command's run; the definition rarely changes between commands.
 * The marker lives in node_modules/.cache (the usual home of tools' caches), next to the package
 * whose verdict it records, so reinstalling or upgrading the validator starts afresh. Failing to
 * read or write it only means validating again; an invalid definition is never recorded.
 */
function validateOnce(definition: AslDefinition): void {
  let marker: string | undefined;
  try {
    const main = createRequire(import.meta.url).resolve('aws-local-stepfunctions');
    const pkgJson = main.replace(/\/build\/[^/]+$/, '/package.json');
    // The verdict is asl-validator's (a dependency of aws-local-stepfunctions): both versions count.
    const validatorJson = createRequire(main).resolve('asl-validator').replace(/\/dist\/.*$/, '/package.json');
    const key = createHash('sha256')
      .update(readFileSync(pkgJson))
      .update(readFileSync(validatorJson))
      .update(JSON.stringify(VALIDATION_OPTIONS))
      .update(JSON.stringify(definition))
      .digest('hex');
    marker = join(dirname(dirname(pkgJson)), '.cache', 'pkgrelease', `asl-valid-${key}`);
    if (existsSync(marker)) return;
  } catch {
    marker = undefined;
  }
  new StateMachine(definition as never, { validationOptions: VALIDATION_OPTIONS });
  if (!marker) return;
  try {
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, '');
  } catch {
    // A read-only install: validate on every start, as before.
  }
}

/**
 * The local stand-in for a Standard state machine: runs `statemachines/release.asl.json` with
 * aws-local-stepfunctions, each Task calling the real handler module, and keeps Step Functions'
 * rules that the product relies on: execution names (valid, unique; the same name and input
 * while known → no second execution) and Redrive (resume at the failed state with its input).
 */
export class LocalStepFunctions {
  readonly stateMachineArn: string;
  private readonly region: string;
  private readonly accountId: string;
  private readonly text: string;
  private readonly functionsByArn = new Map<string, LocalFunction>();
  private readonly arns: Record<string, string> = {};
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly running = new Set<Promise<void>>();
  /** Callback states (WaitForApproval) waiting for SendTaskSuccess / SendTaskFailure. */
  readonly taskTokens = new LocalTaskTokens();

  constructor(private readonly options: LocalStepFunctionsOptions = {}) {
    this.text = options.definitionText ?? loadDefinitionText();
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    const name = options.stateMachineName ?? 'pkgrelease-local';
    this.stateMachineArn = `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
    for (const placeholder of placeholders(this.text)) {
      if (placeholder === 'ApprovalTopicArn') {
        this.arns[placeholder] = `arn:aws:sns:${this.region}:${this.accountId}:pkgrelease-local-approvals`;
        continue;
      }
      const fn = STEP_FUNCTIONS_BY_PLACEHOLDER[placeholder];
      if (!fn) throw new Error(`no local function for ASL placeholder \${${placeholder}}`);
      const arn = `arn:aws:lambda:${this.region}:${this.accountId}:function:pkgrelease-local-${fn.name}`;
      this.arns[placeholder] = arn;
      this.functionsByArn.set(arn, fn);
    }
    // A state dir keeps every machine's executions: this engine takes its own.
    const ours = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
    for (const record of options.executions ?? []) if (record.executionArn.startsWith(ours)) this.records.set(record.name, record);
    // Validated once here (asl-validator compiles its schemas on every call: ~85 ms of blocked
    // event loop in a warm process, ~400 ms in a fresh CLI one); every run then uses the
    // time-scaled copy with validation off.
    const definition = substitute(this.text, this.arns);
    validateOnce(definition);
    this.runnable = scaleDefinition(definition, options.timeScale ?? 1, options.taskTimeoutFactor ?? 1);
    for (const [name, state] of Object.entries(definition.States)) if (state.Type === 'Task') this.lambdaTimeouts.set(name, state.TimeoutSeconds ?? 60);
  }

  /** The definition as deployed (substituted, not time-scaled): what DescribeStateMachine answers. */
  definition(): AslDefinition {
    return substitute(this.text, this.arns);
  }

  /** The definition every run executes: substituted, validated in the constructor, time-scaled. */
  private readonly runnable: AslDefinition;
  /** Each Task's own TimeoutSeconds, unscaled: the remaining time its Lambda is given, as on AWS. */
  private readonly lambdaTimeouts = new Map<string, number>();

  /** StartExecution. Same name + same input while known → the existing execution, nothing new. */
  start(name: string, input: unknown): { status: 'started' | 'already-exists'; execution: ExecutionRecord } {
    if (!STEP_FUNCTIONS.executionName.pattern.test(name) || name.length > STEP_FUNCTIONS.executionName.max) {
      throw new LocalSfnError('InvalidName', `Invalid Name: '${name}'`);
    }
    const known = this.records.get(name);
    if (known) {
      if (JSON.stringify(known.input) === JSON.stringify(input) && known.status === 'RUNNING') return { status: 'already-exists', execution: known };
      throw new LocalSfnError('ExecutionAlreadyExists', `Execution Already Exists: '${known.executionArn}'`);
    }
    const execution: ExecutionRecord = {
      name,
      executionArn: `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
      status: 'RUNNING',
      input,
      startDate: new Date().toISOString(),
      redriveCount: 0,
      states: [],
    };
    this.records.set(name, execution);
    this.track(this.run(execution, this.runnable.StartAt, input));
    return { status: 'started', execution };
  }

  /** RedriveExecution: resume a failed execution at the state that failed, with that state's input. */
  redrive(name: string): ExecutionRecord {
    const execution = this.records.get(name);
    if (!execution) throw new LocalSfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${name}'`);
    const failed = failedState(execution);
    if (execution.status === 'RUNNING' || execution.status === 'SUCCEEDED' || !failed) {
      throw new LocalSfnError('ExecutionNotRedrivable', `Execution ${name} is ${execution.status}; only failed, timed out or aborted executions can be redriven`);
    }
    Object.assign(execution, { status: 'RUNNING', error: undefined, cause: undefined, stopDate: undefined });
    execution.redriveCount += 1;
    this.track(this.run(execution, failed.name, failed.input));
    return execution;
  }

  get(name: string): ExecutionRecord | undefined {
    return this.records.get(name);
  }

  list(): ExecutionRecord[] {
    return [...this.records.values()];
  }

  /** Resolves when no execution is running (including ones started while waiting). */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }


  private track(p: Promise<void>): void {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private async run(execution: ExecutionRecord, startAt: string, input: unknown): Promise<void> {
    // A redrive starts mid-flow at the failed state.
    const definition = { ...this.runnable, StartAt: startAt };
    const taskResourceLocalHandlers: Record<string, (input: never) => Promise<never>> = {};
    const pathWaits = new ScaledPathWaits(definition, this.options.timeScale ?? 1, input);
    for (const [stateName, state] of Object.entries(definition.States)) {
      if (state.Type === 'Task' && state.Resource?.endsWith('.waitForTaskToken')) {
        const token = this.taskTokens.tokenFor(execution.executionArn);
        taskResourceLocalHandlers[stateName] = (request) => this.taskTokens.wait({ token, execution: execution.name, state: stateName, resource: state.Resource!, request }) as Promise<never>;
      } else if (state.Type === 'Task') {
        const fn = this.functionsByArn.get(state.Resource ?? '');
        if (!fn) throw new Error(`state ${stateName} has no local function for ${state.Resource}`);
        // The handler's remaining time is the ASL's own Task timeout (what Powertools' in-progress
        // records expire by); the engine waits for the stretched local one.
        const lambdaTimeout = this.lambdaTimeouts.get(stateName) ?? 60;
        taskResourceLocalHandlers[stateName] = async (taskInput) => {
          const result = await invokeLocally(fn, taskInput, lambdaTimeout, state.TimeoutSeconds ?? 60);
          pathWaits.taskResult(stateName, result);
          return result as never;
        };
      }
    }

    const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
    const started = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: taskResourceLocalHandlers as never, waitTimeOverrides: pathWaits.overrides() },
      context: {
        Execution: {
          Id: execution.executionArn,
          Name: execution.name,
          Input: execution.input,
          StartTime: execution.startDate,
          RedriveCount: execution.redriveCount,
          // As in AWS, only a redriven execution has a RedriveTime (CheckDomains tells old failures from new by it).
          ...(execution.redriveCount > 0 && { RedriveTime: new Date().toISOString() }),
        },
        Task: { Token: this.taskTokens.tokenFor(execution.executionArn) },
        StateMachine: { Id: this.stateMachineArn, Name: this.stateMachineArn.split(':').pop() },
      } as never,
    });
    const logging = this.record(execution, started.eventLogs);
    try {
      execution.output = await started.result;
      execution.status = 'SUCCEEDED';
    } catch {
      execution.status = execution.error === 'States.Timeout' ? 'TIMED_OUT' : 'FAILED';
    }
    await logging;
    execution.stopDate = new Date().toISOString();
    this.options.onProgress?.(execution);
  }

  private async record(execution: ExecutionRecord, events: AsyncGenerator<unknown>): Promise<void> {
    let current: StateRecord | undefined;
    for await (const raw of events) {
      const event = raw as { type: string; timestamp?: number; state?: { name: string; type: string; input: unknown; output?: unknown }; Error?: string; Cause?: unknown };
      const at = new Date(event.timestamp ?? Date.now()).toISOString();
      if (event.type === 'StateEntered' && event.state) {
        current = { name: event.state.name, type: event.state.type, status: 'ENTERED', input: event.state.input, retries: 0, enteredDate: at };
        execution.states.push(current);
      } else if (event.type === 'StateExited' && current) {
        Object.assign(current, { status: 'SUCCEEDED', output: event.state?.output, error: undefined, cause: undefined, stoppedDate: at });
      } else if (event.type === 'StateFailed' && current) {
        Object.assign(current, { status: 'FAILED', error: event.Error, cause: String(event.Cause ?? ''), stoppedDate: at });
        const errors = (current.errors ??= {});
        errors[event.Error ?? 'Error'] = (errors[event.Error ?? 'Error'] ?? 0) + 1;
      } else if (event.type === 'StateRetried' && current) {
        Object.assign(current, { status: 'ENTERED', retries: current.retries + 1 });
      } else if (event.type === 'ExecutionFailed') {
        execution.error = event.Error;
        execution.cause = String(event.Cause ?? '');
      } else if (event.type === 'ExecutionTimeout') {
        execution.error = 'States.Timeout';
      }
      if (event.type.startsWith('State')) this.options.onProgress?.(execution, current);
    }
  }
}
