import { Listr } from 'listr2';
import type { ExecutionRecord } from '../../local/engine/executions';

/**
 * Shows each execution's progress as it happens: a live listr2 display on a TTY, plain lines
 * (one per state change) otherwise, nothing at all with --json (stdout holds only the document).
 */
export interface Progress {
  update(execution: ExecutionRecord): void;
  /** Runs `work` while showing progress; resolves with its result. */
  around<T>(title: string, work: () => Promise<T>): Promise<T>;
}

export function createProgress(mode: 'live' | 'plain' | 'none', out: NodeJS.WritableStream = process.stderr): Progress {
  if (mode === 'none') return { update: () => undefined, around: (_t, work) => work() };
  if (mode === 'plain') return plainProgress(out);
  return liveProgress();
}

export function progressMode(json: boolean): 'live' | 'plain' | 'none' {
  if (json) return 'none';
  return process.stdout.isTTY ? 'live' : 'plain';
}

function describe(e: ExecutionRecord): string {
  const current = e.states.at(-1);
  const where = current ? `${current.name}${current.retries ? ` (retry ${current.retries})` : ''}` : 'starting';
  if (e.status === 'RUNNING') return `${e.name}: ${where}`;
  return `${e.name}: ${e.status}${e.error ? ` at ${current?.name ?? '?'} — ${e.error}` : ''}`;
}

function plainProgress(out: NodeJS.WritableStream): Progress {
  const last = new Map<string, string>();
  return {
    update(e) {
      const line = describe(e);
      if (last.get(e.name) === line) return;
      last.set(e.name, line);
      out.write(`${line}\n`);
    },
    around: (_title, work) => work(),
  };
}

function liveProgress(): Progress {
  const executions = new Map<string, ExecutionRecord>();
  let render: ((latest?: ExecutionRecord) => void) | undefined;
  const counts = () => {
    const all = [...executions.values()];
    const running = all.filter((x) => x.status === 'RUNNING').length;
    const succeeded = all.filter((x) => x.status === 'SUCCEEDED').length;
    return { running, succeeded, other: all.length - running - succeeded };
  };
  return {
    update(e) {
      executions.set(e.name, e);
      render?.(e);
    },
    async around(title, work) {
      let result: Awaited<ReturnType<typeof work>> | undefined;
      const list = new Listr(
        [
          {
            title,
            task: async (_ctx, task) => {
              // Title: the tally; output: one line per execution, each showing where it is now.
              render = (latest) => {
                const c = counts();
                task.title = `${title} — ${c.running} running, ${c.succeeded} succeeded${c.other ? `, ${c.other} failed` : ''}`;
                if (latest) task.output = [...executions.values()].map(describe).join('\n');
              };
              result = await work();
              render();
              render = undefined;
              if (counts().other) throw new Error(`${counts().other} execution(s) did not succeed`);
            },
            rendererOptions: { outputBar: Number.POSITIVE_INFINITY, persistentOutput: true },
          },
        ],
        { exitOnError: false, rendererOptions: { collapseErrors: false } },
      );
      await list.run();
      return result as Awaited<ReturnType<typeof work>>;
    },
  };
}
