import { readFileSync } from 'node:fs';
import { byName, invokeLocally, type LocalFunction, STEP_FUNCTIONS_BY_PLACEHOLDER, TRIGGER_FUNCTION } from '../../local/engine/functions';
import { applyHandlerEnvironment, LocalSession } from '../../local/session';
import { CliFailure, UsageError } from '../errors';
import { configSource, readConfig } from './config';
import { onStateDir } from './run-session';

/** `local invoke <step> --event file.json`: one handler, one event, against the twin (a serve's, or the state dir's). */
const FUNCTIONS = byName([...Object.values(STEP_FUNCTIONS_BY_PLACEHOLDER), TRIGGER_FUNCTION]);

export async function invoke(step: string, opts: { event: string; stateDir: string; config?: string }): Promise<void> {
  const fn = FUNCTIONS[step];
  if (!fn) throw new UsageError(`no step "${step}": choose one of ${Object.keys(FUNCTIONS).join(', ')}`);
  const text = readFileSync(opts.event, 'utf8');
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${opts.event} is not JSON: ${(e as Error).message}`);
  }
  const config = () => readConfig(configSource(opts.stateDir, opts.config));
  const output = await onStateDir(
    opts.stateDir,
    `pkgrelease local invoke ${step}`,
    async (serve) => {
      const restore = applyHandlerEnvironment({ twinEnv: serve.env, sfnEndpoint: serve.env.AWS_ENDPOINT_URL_SFN!, config: config(), stateMachineArn: serve.stateMachineArn });
      try {
        return await run(fn, event);
      } finally {
        restore();
      }
    },
    async () => {
      const session = await LocalSession.start({ config: config(), stateDir: opts.stateDir });
      try {
        return await run(fn, event);
      } finally {
        await session.close();
      }
    },
  );
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

/** As Step Functions sees it: the result, or `{ error, cause }` from the handler's error. */
async function run(fn: LocalFunction, event: unknown): Promise<unknown> {
  try {
    return await invokeLocally(fn, event, 60);
  } catch (e) {
    const err = e as Error;
    throw new CliFailure(`${fn.name} failed with ${err.name}: ${err.message}`);
  }
}
