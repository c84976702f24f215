/** What crosses between the main thread and a Lambda thread (structured clones of JSON values). */
export interface InvocationRequest {
  id: number;
  functionName: string;
  event: unknown;
  timeoutSeconds: number;
}

export type ThreadMessage =
  | { kind: 'ready' }
  | { kind: 'metric'; line: string }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; name: string; message: string };
