import { type LocalReport, LocalSession, type LocalSessionOptions } from '../../local/session';
import { triggerFailureLine } from '../../local/session/report';
import { createProgress, progressMode } from './progress';
import { allSucceeded, formatReport } from './report';
import { accessStateDir, type ServeInfo } from './state-dir';

/**
 * How a local command runs: on the state dir (locked) in a session of its own, or through the
 * running serve; then one report, human or `--json`.
 */
export interface OutputOptions {
  json?: boolean;
}

/** Starts a session, runs `work` with live progress, waits for every execution, prints the report. */
export async function withSession(
  sessionOptions: Omit<LocalSessionOptions, 'onProgress'>,
  out: OutputOptions,
  title: string,
  work: (session: LocalSession) => Promise<void>,
  only?: (names: Set<string>) => Set<string>,
  opts: { failOnError?: boolean; totalCalls?: boolean } = {},
): Promise<LocalReport> {
  const progress = createProgress(progressMode(Boolean(out.json)));
  const before = new Set<string>();
  const session = await LocalSession.start({ ...sessionOptions, onProgress: (e) => progress.update(e) });
  try {
    for (const e of session.engine.list()) before.add(e.name);
    await progress.around(title, async () => {
      await work(session);
      await session.settled();
    });
    const report = opts.totalCalls ? { ...session.report(), calls: session.totalCalls() } : session.report();
    const shown = only ? only(before) : new Set(report.executions.map((e) => e.name).filter((n) => !before.has(n)));
    const result = { ...report, executions: report.executions.filter((e) => shown.has(e.name)) };
    result.executions.push(...session.triggerErrors.map(triggerFailureLine));
    print(result, out, opts.failOnError ?? true);
    return result;
  } finally {
    await session.close();
  }
}

/** Prints the report; a failed execution makes the exit code 1 unless the command is a report itself. */
export function print(report: LocalReport, out: OutputOptions, failOnError = true): void {
  process.stdout.write(out.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  if (failOnError && !allSucceeded(report)) process.exitCode = 1;
}

/** The state dir for the duration of `locked`, or the running serve for `served`. */
export async function onStateDir<T>(stateDir: string, command: string, served: (serve: ServeInfo) => Promise<T>, locked: () => Promise<T>): Promise<T> {
  const access = await accessStateDir(stateDir, command, { serveAllowed: true });
  if (access.mode === 'serve') return served(access.serve);
  try {
    return await locked();
  } finally {
    access.release();
  }
}

