import { parentPort } from 'node:worker_threads';
import { setMetricsSink } from '../../../lib/lambda/metrics';
import { invokeInThisThread, LOCAL_FUNCTIONS_BY_NAME } from '../functions';
import type { InvocationRequest, ThreadMessage } from './messages';

/**
 * Inside a Lambda thread: runs each invocation the main thread sends, with the same handler
 * modules (each loaded once: a warm Lambda), and answers with what the handler returned or its
 * error's name and message. The environment is the process's (SHARE_ENV), so a handler here finds
 * the twin as one in the main thread would. EMF lines go back to the session, ahead of the result.
 */
const port = parentPort;
if (!port) throw new Error('serve-invocations.ts runs as a worker thread (lambda-thread.ts starts it)');
const post = (message: ThreadMessage) => port.postMessage(message);

setMetricsSink((line) => post({ kind: 'metric', line }));

port.on('message', async ({ id, functionName, event, timeoutSeconds }: InvocationRequest) => {
  try {
    const fn = LOCAL_FUNCTIONS_BY_NAME[functionName];
    if (!fn) throw new Error(`no local function named ${functionName}`);
    post({ kind: 'result', id, result: await invokeInThisThread(fn, event, timeoutSeconds) });
  } catch (e) {
    const err = e as Error;
    post({ kind: 'error', id, name: err.name, message: err.message });
  }
});
post({ kind: 'ready' });
