import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { historyNewestFirst } from '../clients/sfn';
import { formatCounts, type StageCounts } from '../release/rollout/errors';
import type { RolloutState } from '../release/rollout/state';

/**
 * A release's rollout and SBOM as `pkgrelease status` and the console show them, read from the
 * execution's state (`$.rollout`, `$.steps.checkSbom`): the output once it ended, the newest state
 * output from the history while it runs (Step Functions has no output before the end).
 */
export interface RolloutProgress {
  /** `watching` a stage's job, `next` stage to start, `approval` between stages, `done`, `superseded`. */
  status: string;
  stages: string[];
  /** The stage being watched (or last started), with its job. */
  stage?: string;
  jobId?: string;
  attempt?: number;
  /** Stages that ended, in order, with their outcome and the job's counts. */
  outcomes: { stage: string; outcome: string; jobId?: string; counts?: StageCounts; supersededBy?: string }[];
}

type ReleaseState = { rollout?: Partial<RolloutState>; steps?: { checkSbom?: { policy?: string; validation?: string } } };

function parse(json: string | undefined): ReleaseState | undefined {
  if (!json) return undefined;
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' ? (value as ReleaseState) : undefined;
  } catch {
    return undefined;
  }
}

/** `$.rollout` of a state, unless the package has no rollout (or it has not been planned). */
export function rolloutProgressOf(json: string | undefined): RolloutProgress | undefined {
  const r = parse(json)?.rollout;
  if (!r || !Array.isArray(r.stages) || r.stages.length === 0) return undefined;
  const outcomes = (r.outcomes ?? []).map((o) => ({ stage: o.stage, outcome: o.outcome, jobId: o.jobId, counts: o.counts, supersededBy: o.supersededBy }));
  return {
    status: r.status ?? (outcomes.length ? 'next' : 'planned'),
    stages: r.stages,
    stage: r.current?.stage,
    jobId: r.current?.jobId,
    attempt: r.current?.attempt,
    outcomes,
  };
}

/** `steps.checkSbom.validation` (`policy` beside it), unless the package has no SBOM. */
export function sbomValidationOf(json: string | undefined): string | undefined {
  const check = parse(json)?.steps?.checkSbom;
  return check?.validation && !['OFF', 'NONE'].includes(check.validation) ? `${check.validation} (${check.policy ?? 'optional'})` : undefined;
}

/** The newest state output in a history (newest first): where a running execution is. */
export function newestStateOutput(eventsNewestFirst: Iterable<HistoryEvent>): string | undefined {
  for (const e of eventsNewestFirst) if (e.stateExitedEventDetails?.output) return e.stateExitedEventDetails.output;
  return undefined;
}

/** The running execution's newest state output, reading its history only as far as that event. */
export async function runningStateOutput(sfn: SFNClient, executionArn: string): Promise<string | undefined> {
  for await (const e of historyNewestFirst(sfn, executionArn)) if (e.stateExitedEventDetails?.output) return e.stateExitedEventDetails.output;
  return undefined;
}

/** One line: `canary 1/2 watching job <id> (attempt 0); passed: …`. */
export function renderRollout(p: RolloutProgress): string {
  const at = p.stage ? `${p.stage} ${p.stages.indexOf(p.stage) + 1}/${p.stages.length}` : `${p.outcomes.length}/${p.stages.length} stages`;
  const job = p.jobId && p.status === 'watching' ? ` job ${p.jobId}${p.attempt ? ` (attempt ${p.attempt})` : ''}` : '';
  const ended = p.outcomes.map((o) => `${o.stage} ${o.outcome}${o.counts ? ` (${formatCounts(o.counts)})` : ''}${o.supersededBy ? ` by ${o.supersededBy}` : ''}`);
  return `${at} ${p.status}${job}${ended.length ? `; ${ended.join('; ')}` : ''}`;
}
