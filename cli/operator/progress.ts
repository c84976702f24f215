import { Listr } from 'listr2';
import pLimit from 'p-limit';
import type { RedriveOutcome, RedriveSummary } from '../../lib/operations/redrive';

export interface ProgressOptions {
  /** listr2's live display on a terminal; plain lines (one per execution, as each ends) otherwise. */
  tty: boolean;
  concurrency: number;
  write: (line: string) => void;
}

/** Runs `redrive` for every ARN, showing progress; never throws for one execution's failure. */
export async function redriveWithProgress(
  arns: string[],
  redrive: (arn: string) => Promise<RedriveOutcome>,
  opts: ProgressOptions,
): Promise<RedriveOutcome[]> {
  if (!opts.tty) {
    return pLimit(opts.concurrency).map(arns, async (arn) => {
      const o = await redrive(arn);
      opts.write(`${o.result.padEnd(8)}  ${o.name}  ${o.detail}`);
      return o;
    });
  }
  const outcomes: RedriveOutcome[] = [];
  const tasks = new Listr(
    arns.map((arn) => ({
      title: `redrive ${arn.split(':').pop()}`,
      task: async (_ctx: unknown, task: { title: string; skip: (message?: string) => void }) => {
        const o = await redrive(arn);
        outcomes.push(o);
        if (o.result === 'skipped') return task.skip(`${o.name}: skipped: ${o.detail}`);
        if (o.result === 'failed') throw new Error(`${o.name}: ${o.detail}`);
        task.title = `${o.name}: ${o.detail}`;
      },
    })),
    { concurrent: opts.concurrency, exitOnError: false, collectErrors: false },
  );
  await tasks.run().catch(() => undefined); // failures are in `outcomes`; listr2 has shown them
  return arns.map((arn) => outcomes.find((o) => o.executionArn === arn)!);
}

export function summaryLine(s: RedriveSummary): string {
  const planned = s.planned ? `${s.planned} would be redriven (dry run), ` : '';
  return `${planned}${s.redriven} redriven, ${s.skipped} skipped, ${s.failed} failed`;
}
