import { type CommitIdentity, parseCommitMessage, shortToken } from '../../lib/release/identity';
import type { RolledBackHead } from '../../lib/release/lease';
import { barredByRollback } from '../../lib/release/rollback/epoch';
import type { RollbackState } from '../../lib/release/rollback/request';
import { compareVersions, newestVersion } from '../../lib/release/version-order';
import type { ExecutionRecord } from '../engine/executions';
import type { CampaignOutcome, CampaignSummary } from './invariants';

/**
 * Ordering with rollbacks, as the campaign checks it (docs/rollback.md): "never serve anything older
 * than the current head, where a rollback explicitly moves the head". A rollback's re-import (its
 * commit names its token and who rolled back) is the only entry of a timeline allowed to go back,
 * and only to its target, and only while nothing newer than the head it was planned against has
 * gone forward; after it, no version it barred is served again; newer versions go forward as usual.
 */
export interface HeadMove {
  packageName: string;
  execution: string;
  target: string;
  /** The head the rollback was planned against: versions above the target up to it are barred. */
  barredThrough: string;
  /** The epoch its head move wrote (one above the epoch it was planned at). */
  epoch: number;
}

export class RollbackLedger {
  private readonly moves = new Map<string, HeadMove>();

  /** `heads`: the head in force per OpenSearch package at the end, read from its lease record. */
  constructor(
    readonly rollbacks: ExecutionRecord[],
    private readonly heads: Record<string, RolledBackHead | undefined>,
  ) {
    const planned = rollbacks.flatMap((e) => {
      const state = e.states.find((s) => s.name === 'ValidateRollback' && s.status === 'SUCCEEDED')?.output as RollbackState | undefined;
      return state?.plan ? [{ e, state, epoch: state.plan.headEpoch ?? 0, moved: !e.states.some((s) => s.name === 'Superseded') }] : [];
    });
    for (const { e, state, epoch } of planned) {
      // The bound in force when it moved the head: what the rollbacks that moved before it barred
      // stays barred (moveHead). A rollback planned at epoch e was preceded by every one that moved
      // at a lower plan epoch (had one moved later, it would have been superseded).
      const earlier = planned.filter((p) => p.moved && p.state.packageName === state.packageName && p.epoch < epoch).map((p) => p.state.plan.head);
      const barredThrough = newestVersion([state.plan.head, ...earlier])!;
      this.moves.set(shortToken(state.rollbackToken), { packageName: state.packageName, execution: e.name, target: state.plan.target.versionName, barredThrough, epoch: epoch + 1 });
    }
  }

  /** The head move a rollback commit stands for (undefined for a release's commit, or a rollback nobody ran). */
  moveOf(commit: CommitIdentity | undefined): HeadMove | undefined {
    return commit?.rollbackBy ? this.moves.get(commit.token) : undefined;
  }

  /** The commit a rollback's job stands for (its id names the rollback token, lib/release/rollback/rollout.ts), as a timeline entry reads it. */
  commitOfRollbackJob(jobId: string, packageName: string): CommitIdentity | undefined {
    for (const [token, move] of this.moves) {
      if (move.packageName === packageName && jobId.includes(`-rollback-${token.slice(0, 10)}`)) return { versionName: move.target, token, packageName, rollbackBy: 'job' };
    }
    return undefined;
  }

  headOf(opensearchPackage: string): RolledBackHead | undefined {
    return this.heads[opensearchPackage];
  }

  /** Whether the head in force at the end bars `versionName`: above the head, up to the head it replaced (older ones stay as they were). */
  barred(opensearchPackage: string, versionName: string): boolean {
    const head = this.headOf(opensearchPackage);
    return !!head && compareVersions(versionName, head.head) > 0 && barredByRollback(head, versionName);
  }

  /** What every side must end on: the newest released version the head does not bar, or the head itself. */
  expected(opensearchPackage: string, released: string[]): string | undefined {
    const head = this.headOf(opensearchPackage);
    return newestVersion([...(head ? [head.head] : []), ...released.filter((v) => !barredByRollback(head, v))]);
  }
}

export interface TimelineEntry {
  commit: CommitIdentity | undefined;
  /** How a violation names the entry (version and time). */
  label: string;
}

/**
 * Walks one served (or ACTIVE) timeline in order and reports each step that breaks the ordering;
 * returns how many did. `what` names the package or domain in the messages.
 */
export function checkTimeline(entries: TimelineEntry[], ledger: RollbackLedger, what: string, violations: string[]): number {
  let broken = 0;
  let highest: string | undefined;
  let barred: HeadMove | undefined;
  const violation = (text: string) => {
    broken++;
    violations.push(text);
  };
  for (const { commit, label } of entries) {
    const move = ledger.moveOf(commit);
    if (move) {
      if (barred && move.epoch < barred.epoch) {
        violation(`stale rollback: ${what} served ${move.target} for ${move.execution} (${label}) after ${barred.execution} had moved the head since`);
      } else if (highest !== undefined && compareVersions(highest, move.barredThrough) > 0) {
        violation(`rolled back under a newer release: ${what} served ${move.target} for ${move.execution} (${label}) after ${highest}, newer than the head ${move.barredThrough} it was planned against`);
      }
      highest = move.target;
      // What an earlier rollback barred stays barred (lib/release/rollback/epoch.ts moveHead).
      barred = barred && compareVersions(barred.barredThrough, move.barredThrough) > 0 ? { ...move, barredThrough: barred.barredThrough } : move;
      continue;
    }
    const version = commit?.versionName;
    if (highest !== undefined && (version === undefined || compareVersions(version, highest) < 0)) {
      violation(`regression: ${what} served ${version ?? 'pre-release content'} (${label}) after ${highest}`);
    } else if (barred && version !== undefined && version !== barred.target && compareVersions(version, barred.barredThrough) <= 0) {
      violation(`barred version served: ${what} served ${version} (${label}) after ${barred.execution} rolled back to ${barred.target}`);
    }
    if (version !== undefined && (highest === undefined || compareVersions(version, highest) > 0)) highest = version;
  }
  return broken;
}

/**
 * Every rollback ends SUCCEEDED: rolled back, or superseded (a newer release or another rollback
 * went first); or refused by ValidateRollback. A superseded or refused one changed nothing: its
 * token is in no commit and no head.
 */
export function checkRollbacks(outcome: CampaignOutcome, violations: string[]): Pick<CampaignSummary, 'rollbacks' | 'rolledBack' | 'rollbacksSuperseded' | 'rollbacksRefused'> {
  const commits = Object.values(outcome.catalog.opensearch).flatMap((os) => os.history.map((h) => parseCommitMessage(h.commitMessage ?? undefined)?.token));
  const heads = Object.values(outcome.heads).map((h) => h?.token);
  const counts = { rollbacks: outcome.rollbacks.length, rolledBack: 0, rollbacksSuperseded: 0, rollbacksRefused: 0 };
  for (const e of outcome.rollbacks) {
    const token = (e.input as { rollbackToken?: string }).rollbackToken ?? '';
    const superseded = e.status === 'SUCCEEDED' && e.states.some((s) => s.name === 'Superseded');
    const refused = e.status === 'FAILED' && /^RollbackTarget(Invalid|Gone)$/.test(e.error ?? '');
    if (e.status === 'SUCCEEDED' && !superseded) counts.rolledBack++;
    else if (superseded) counts.rollbacksSuperseded++;
    else if (refused) counts.rollbacksRefused++;
    else violations.push(`stuck rollback: ${e.name} ended ${e.status} ${e.error ?? ''}: ${(e.cause ?? '').slice(0, 160)}`);
    if ((superseded || refused) && (commits.includes(shortToken(token)) || heads.includes(token))) {
      violations.push(`a rollback that moved nothing changed something: ${e.name} (${superseded ? 'superseded' : e.error}) left its token in a commit or a head`);
    }
  }
  return counts;
}
