import { LocalSfnError } from './sfn-errors';

/**
 * Step Functions' callback pattern (`….waitForTaskToken`) for the local engine: a waiting Task is a
 * promise that `succeed` / `fail` settle, as SendTaskSuccess / SendTaskFailure do in AWS. Each
 * waiting state gets the token `$$.Task.Token` resolves to, and its effective input (e.g. the
 * message WaitForApproval would publish) is kept for whoever answers.
 */
export interface WaitingTask {
  token: string;
  execution: string;
  state: string;
  /** The Task's Resource, e.g. `arn:aws:states:::sns:publish.waitForTaskToken`. */
  resource: string;
  /** The Task's input after its Parameters: what AWS would have sent (an SNS message, …). */
  request: unknown;
}

export class LocalTaskTokens {
  private readonly waiting = new Map<string, WaitingTask & { settle: (outcome: { output?: unknown; error?: Error }) => void }>();

  /** The token a callback state of `execution` sees as `$$.Task.Token` (one callback at a time). */
  tokenFor(executionArn: string): string {
    return `${executionArn}#task-token`;
  }

  wait(task: WaitingTask): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.waiting.set(task.token, { ...task, settle: ({ output, error }) => (error ? reject(error) : resolve(output)) });
    });
  }

  list(): WaitingTask[] {
    return [...this.waiting.values()].map(({ settle: _settle, ...task }) => task);
  }

  /** SendTaskSuccess. */
  succeed(token: string, output: unknown): void {
    this.take(token).settle({ output });
  }

  /** SendTaskFailure: the state fails with `error` (its Retry / the execution's failure). */
  fail(token: string, error: string, cause: string): void {
    this.take(token).settle({ error: Object.assign(new Error(cause), { name: error }) });
  }

  private take(token: string) {
    const task = this.waiting.get(token);
    if (!task) throw new LocalSfnError('TaskTimedOut', 'Task Timed Out: the task token is unknown or was already answered');
    this.waiting.delete(token);
    return task;
  }
}
