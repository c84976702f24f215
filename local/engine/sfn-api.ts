import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
export const SFN_API_OPERATIONS = ['StartExecution', 'DescribeExecution', 'ListExecutions', 'GetExecutionHistory', 'RedriveExecution', 'ListStateMachines', 'SendTaskSuccess', 'SendTaskFailure'] as const;

export interface SfnApiOptions {
  /** Fixed port (`local serve --port`, the serve's base port); 0 or absent: one chosen by the OS. */
  port?: number;
}

export async function startSfnApi(engine: LocalStepFunctions, options: SfnApiOptions = {}): Promise<SfnApi> {
  const calls: SfnApi['calls'] = {};
  // The local machine exists for as long as this API does.
  const startedAt = Date.now() / 1000;
  const operations: Record<string, Operation> = {
    StartExecution: (b) => {
      checkMachine(engine, b.stateMachineArn);
      const { execution } = engine.start(String(b.name ?? crypto.randomUUID()), JSON.parse(String(b.input ?? '{}')));
      return { executionArn: execution.executionArn, startDate: epoch(execution.startDate) };
    },
    DescribeExecution: (b) => describe(find(engine, b.executionArn)),
    ListExecutions: (b) => {
      checkMachine(engine, b.stateMachineArn);
      const executions = engine
        .list()
        .filter((e) => !b.statusFilter || e.status === b.statusFilter)
        .sort((x, y) => y.startDate.localeCompare(x.startDate))
        .map((e) => ({ executionArn: e.executionArn, stateMachineArn: engine.stateMachineArn, name: e.name, status: e.status, startDate: epoch(e.startDate), stopDate: e.stopDate ? epoch(e.stopDate) : undefined, redriveCount: e.redriveCount }));
      return { executions };
    },
    GetExecutionHistory: (b) => {
      const events = executionHistory(find(engine, b.executionArn), b.includeExecutionData !== false, engine.taskTokens.list());
      return { events: b.reverseOrder ? events.reverse() : events };
    },
    RedriveExecution: (b) => {
      const execution = engine.redrive(find(engine, b.executionArn).name);
      return { redriveDate: epoch(new Date().toISOString()), executionArn: execution.executionArn };
    },
    // The callback pattern (WaitForApproval): what `pkgrelease approve | reject` sends.
    SendTaskSuccess: (b) => {
      engine.taskTokens.succeed(String(b.taskToken), JSON.parse(String(b.output ?? '{}')));
      return {};
    },
    SendTaskFailure: (b) => {
      engine.taskTokens.fail(String(b.taskToken), String(b.error ?? 'TaskFailed'), String(b.cause ?? ''));
      return {};
    },
    ListStateMachines: () => ({
      stateMachines: [{ stateMachineArn: engine.stateMachineArn, name: engine.stateMachineArn.split(':').pop(), type: 'STANDARD', creationDate: startedAt }],
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
  const server: Server = createServer((req, res) => {
    if (!req.headers['x-amz-target'] && api.fallback) return api.fallback(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const key = `states:${operation}`;
      calls[key] ??= { succeeded: 0, failed: 0 };
      let status = 200;
      let payload: unknown;
      try {
        const op = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
        if (!op) throw new LocalSfnError('UnknownOperationException', `${operation} is not supported by the local Step Functions`);
        payload = op(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
        calls[key].succeeded++;
      } catch (e) {
        const err = e as Error;
        status = err instanceof LocalSfnError ? 400 : 500;
        payload = { __type: `com.amazonaws.swf.service.v2.model#${err.name}`, message: err.message };
        calls[key].failed++;
      }
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  api.endpoint = `http://127.0.0.1:${port}`;
  return api;
}

function checkMachine(engine: LocalStepFunctions, arn: unknown): void {
  if (arn !== engine.stateMachineArn) throw new LocalSfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
}

function find(engine: LocalStepFunctions, arn: unknown): ExecutionRecord {
  const execution = engine.list().find((e) => e.executionArn === arn);
  if (!execution) throw new LocalSfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
  return execution;
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
