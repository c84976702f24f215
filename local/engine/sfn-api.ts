import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JSON_MAX_REQUEST_BYTES } from '../twin/core/limits';
import { foreignRequestReason } from '../twin/core/loopback.mjs';
import { continueWithin, endUnread, readBodyWithin } from '../twin/core/request-body';
import { type ExecutionRecord, failedState } from './executions';
import { executionHistory } from './history';
import { type LocalStepFunctions, LocalSfnError } from './local-sfn';

/**
 * Step Functions' HTTP API (awsJson1_0: `POST /`, `X-Amz-Target: AWSStepFunctions.<Operation>`)
 * in front of the local engine, so the real trigger handler's SDK call — and the operator CLI —
 * reach it through `AWS_ENDPOINT_URL_SFN` exactly as they reach AWS.
 */
export interface SfnApi {
  endpoint: string;
  /** Answers requests that are not Step Functions calls (no X-Amz-Target): the local console. */
  fallback?: RequestListener;
  calls: Record<string, { succeeded: number; failed: number }>;
  close(): Promise<void>;
}

type Operation = (body: Record<string, unknown>) => unknown;

/** The operations this API implements (the README lists them; anything else is UnknownOperationException). */
export const SFN_API_OPERATIONS = ['StartExecution', 'DescribeExecution', 'ListExecutions', 'GetExecutionHistory', 'RedriveExecution', 'ListStateMachines', 'SendTaskSuccess', 'SendTaskFailure', 'DescribeStateMachine'] as const;

export interface SfnApiOptions {
  /** Fixed port (`local serve --port`, the serve's base port); 0 or absent: one chosen by the OS. */
  port?: number;
}

/** Serves every local state machine (the release's, the rollback's) on one endpoint, as one account's Step Functions does. */
export async function startSfnApi(machines: LocalStepFunctions | LocalStepFunctions[], options: SfnApiOptions = {}): Promise<SfnApi> {
  const engines = Array.isArray(machines) ? machines : [machines];
  const calls: SfnApi['calls'] = {};
  // The local machine exists for as long as this API does.
  const startedAt = Date.now() / 1000;
  const operations: Record<string, Operation> = {
    DescribeStateMachine: (b) => {
      const engine = machineOf(engines, b.stateMachineArn);
      const [, , , region, accountId, , name] = engine.stateMachineArn.split(':');
      return {
        stateMachineArn: engine.stateMachineArn,
        name,
        status: 'ACTIVE',
        definition: JSON.stringify(engine.definition(), null, 2),
        // The local engine runs as this process; the role is the deployed machine's name for it.
        roleArn: `arn:aws:iam::${accountId}:role/${name}-${region}-stateMachineRole`,
        type: 'STANDARD',
        creationDate: startedAt,
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    },
    StartExecution: (b) => {
      const engine = machineOf(engines, b.stateMachineArn);
      const { execution } = engine.start(String(b.name ?? crypto.randomUUID()), parseData(b.input, 'input', 'InvalidExecutionInput', 'Invalid State Machine Execution Input'));
      return { executionArn: execution.executionArn, startDate: epoch(execution.startDate) };
    },
    DescribeExecution: (b) => describe(find(engines, b.executionArn).execution),
    ListExecutions: (b) => {
      const engine = machineOf(engines, b.stateMachineArn);
      const executions = engine
        .list()
        .filter((e) => !b.statusFilter || e.status === b.statusFilter)
        .sort((x, y) => y.startDate.localeCompare(x.startDate))
        .map((e) => ({ executionArn: e.executionArn, stateMachineArn: engine.stateMachineArn, name: e.name, status: e.status, startDate: epoch(e.startDate), stopDate: e.stopDate ? epoch(e.stopDate) : undefined, redriveCount: e.redriveCount }));
      return { executions };
    },
    GetExecutionHistory: (b) => {
      const { engine, execution } = find(engines, b.executionArn);
      const events = executionHistory(execution, b.includeExecutionData !== false, engine.taskTokens.list());
      return { events: b.reverseOrder ? events.reverse() : events };
    },
    RedriveExecution: (b) => {
      const { engine, execution: failed } = find(engines, b.executionArn);
      const execution = engine.redrive(failed.name);
      return { redriveDate: epoch(new Date().toISOString()), executionArn: execution.executionArn };
    },
    // The callback pattern (WaitForApproval): what `pkgrelease approve | reject` sends.
    SendTaskSuccess: (b) => {
      tokenOwner(engines, b.taskToken).taskTokens.succeed(String(b.taskToken), parseData(b.output, 'output', 'InvalidOutput', 'Invalid Output'));
      return {};
    },
    SendTaskFailure: (b) => {
      tokenOwner(engines, b.taskToken).taskTokens.fail(String(b.taskToken), String(b.error ?? 'TaskFailed'), String(b.cause ?? ''));
      return {};
    },
    ListStateMachines: () => ({
      stateMachines: engines.map((engine) => ({ stateMachineArn: engine.stateMachineArn, name: engine.stateMachineArn.split(':').pop(), type: 'STANDARD', creationDate: startedAt })),
    }),
  } satisfies Record<(typeof SFN_API_OPERATIONS)[number], Operation>;

  const api: SfnApi = {
    endpoint: '',
    calls,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const reply = (res: ServerResponse, status: number, payload: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(payload));
  };
  const server: Server = createServer((req, res) => {
    if (!req.headers['x-amz-target'] && api.fallback) return api.fallback(req, res);
    const foreign = foreignRequestReason(req);
    if (foreign) {
      endUnread(req, res);
      return reply(res, 403, errorPayload('AccessDeniedException', `the local Step Functions: ${foreign}`));
    }
    const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
    const key = `states:${operation}`;
    void readBodyWithin(req, JSON_MAX_REQUEST_BYTES).then((read) => {
      calls[key] ??= { succeeded: 0, failed: 0 };
      if ('tooLarge' in read) {
        calls[key].failed++;
        endUnread(req, res);
        return reply(res, 413, errorPayload('RequestEntityTooLargeException', `Request body exceeds the local limit of ${read.tooLarge.limit} bytes`));
      }
      let status = 200;
      let payload: unknown;
      try {
        const op = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
        if (!op) throw new LocalSfnError('UnknownOperationException', `${operation} is not supported by the local Step Functions`);
        payload = op(parseRequest(read.body));
        calls[key].succeeded++;
      } catch (e) {
        const err = e as Error;
        status = err instanceof LocalSfnError ? 400 : 500;
        payload = errorPayload(err.name, err.message);
        calls[key].failed++;
      }
      reply(res, status, payload);
    }, () => res.destroy());
  });
  continueWithin(server, JSON_MAX_REQUEST_BYTES);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  api.endpoint = `http://127.0.0.1:${port}`;
  return api;
}

function machineOf(engines: LocalStepFunctions[], arn: unknown): LocalStepFunctions {
  const engine = engines.find((e) => e.stateMachineArn === arn);
  if (!engine) throw new LocalSfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
  return engine;
}

function find(engines: LocalStepFunctions[], arn: unknown): { engine: LocalStepFunctions; execution: ExecutionRecord } {
  for (const engine of engines) {
    const execution = engine.list().find((e) => e.executionArn === arn);
    if (execution) return { engine, execution };
  }
  throw new LocalSfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
}

/** The machine whose execution waits on this task token (the first one, when none does: it answers TaskDoesNotExist). */
function tokenOwner(engines: LocalStepFunctions[], token: unknown): LocalStepFunctions {
  return engines.find((e) => e.taskTokens.list().some((t) => t.token === token)) ?? engines[0]!;
}

function describe(e: ExecutionRecord) {
  const failed = failedState(e);
  return {
    executionArn: e.executionArn,
    name: e.name,
    status: e.status,
    input: JSON.stringify(e.input),
    output: e.output === undefined ? undefined : JSON.stringify(e.output),
    error: e.error,
    cause: e.cause,
    startDate: epoch(e.startDate),
    stopDate: e.stopDate ? epoch(e.stopDate) : undefined,
    redriveCount: e.redriveCount,
    redriveStatus: e.status !== 'RUNNING' && e.status !== 'SUCCEEDED' && failed ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
  };
}

function epoch(iso: string): number {
  return Date.parse(iso) / 1000;
}

function errorPayload(name: string, message: string) {
  return { __type: `com.amazonaws.swf.service.v2.model#${name}`, message };
}

/** The request body: a JSON object, or SerializationException as the awsJson1_0 protocol answers. */
function parseRequest(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw new LocalSfnError('SerializationException', 'Start of structure or map found where not expected, or the request body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new LocalSfnError('SerializationException', 'The request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** The model's SensitiveData: the most characters an execution input or a task output may have. */
const SENSITIVE_DATA_MAX = 262_144;

/**
 * An execution input or a task output: a JSON text within SENSITIVE_DATA_MAX. Not JSON is
 * the operation's own error (StartExecution: InvalidExecutionInput; SendTaskSuccess: InvalidOutput).
 */
function parseData(value: unknown, member: string, errorName: string, prefix: string): unknown {
  const text = value === undefined || value === null ? '{}' : String(value);
  if (text.length > SENSITIVE_DATA_MAX) {
    throw new LocalSfnError('ValidationException', `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${SENSITIVE_DATA_MAX}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new LocalSfnError(errorName, `${prefix}: '${(e as Error).message}'`);
  }
}
