import type { ExecutionListItem, ExecutionStatus, HistoryEvent } from '@aws-sdk/client-sfn';
import pLimit from 'p-limit';
import { executionHistory } from '../../lib/operations/history';
import { newestStateOutput, type RolloutProgress, rolloutProgressOf, sbomValidationOf } from '../../lib/operations/release-progress';
import { type ExecutionReport, reportExecution } from '../../lib/operations/status';
import { aslToMermaidWithIds } from '../../lib/diagram/mermaid';
import { describeExecution, listExecutionsSince } from '../../lib/clients/sfn';
import { summariseReleaseInput } from '../../lib/notifications/release-summary';
import { isCommitOf, parseCommitMessage } from '../../lib/release/identity';
import { type RedriveAdvice, redriveAdvice } from '../../lib/release/redrive-policy';
import { rollbackInputOf } from '../../lib/release/rollback/request';
import { loadDefinitionText } from '../engine/definition';
import type { ConsoleDeps } from './deps';
import { withoutCredentials } from './redact';
import { type StateView, stateViews } from './states';

/**
 * What the pages show, read through the Step Functions API (the same calls as `pkgrelease status`)
 * and the twin's catalog. The ASL is read on every request, so the graph follows the file.
 */
export function graph(): { mermaid: string; ids: Record<string, string>; states: string[] } {
  // Placeholders (`${PrepareFunctionArn}`) only appear in strings, so the text parses as it is.
  const machine = JSON.parse(loadDefinitionText()) as Parameters<typeof aslToMermaidWithIds>[0];
  const { mermaid, ids } = aslToMermaidWithIds(machine);
  return { mermaid, ids, states: Object.keys(ids) };
}

/** The page polls the list every second: the newest executions are what a person watches. */
export const LIST_LIMIT = 100;

/** Newest first, as `pkgrelease status` reports them (describe, and the failed state from the history). */
export async function listExecutions(deps: ConsoleDeps, status?: ExecutionStatus): Promise<ExecutionReport[]> {
  const items: ExecutionListItem[] = [];
  for await (const item of listExecutionsSince(deps.sfn, deps.stateMachineArn, new Date(0), status)) {
    items.push(item);
    if (items.length >= LIST_LIMIT) break;
  }
  return withoutCredentials(await pLimit(8).map(items, (item) => reportExecution(deps.sfn, item)));
}

export interface Release {
  package?: string;
  /** The version released, or for a rollback the version it goes back to. */
  version?: string;
  opensearchPackage?: string;
  /** A rollback execution (statemachines/rollback.asl.json), not a release. */
  rollback?: boolean;
}

export interface ExecutionDetail {
  execution: {
    name?: string;
    executionArn: string;
    status?: string;
    startDate?: string;
    stopDate?: string;
    input?: string;
    output?: string;
    error?: string;
    cause?: string;
    redriveCount?: number;
    redriveStatus?: string;
  };
  release: Release;
  /** For a failed execution: whether a redrive can help (the CLI's classification) and what to do. */
  advice?: RedriveAdvice;
  states: StateView[];
  events: { id?: number; type?: string; timestamp?: string; details?: unknown }[];
  effect: ReturnType<typeof catalogEffect>;
  /** The rollout and the SBOM as `pkgrelease status` shows them, from the newest state this execution reached. */
  rollout?: RolloutProgress;
  sbom?: string;
}

export async function executionDetail(deps: ConsoleDeps, executionArn: string): Promise<ExecutionDetail> {
  const d = await describeExecution(deps.sfn, executionArn);
  const events = await executionHistory(deps.sfn, executionArn, { includeExecutionData: true });
  const release = releaseOf(events, d.input);
  const failed = d.status !== 'RUNNING' && d.status !== 'SUCCEEDED';
  const state = d.output ?? newestStateOutput([...events].reverse());
  return withoutCredentials({
    execution: {
      name: d.name,
      executionArn,
      status: d.status,
      startDate: d.startDate?.toISOString(),
      stopDate: d.stopDate?.toISOString(),
      input: d.input,
      output: d.output,
      error: d.error,
      cause: d.cause,
      redriveCount: d.redriveCount,
      redriveStatus: d.redriveStatus,
    },
    release,
    advice: failed ? redriveAdvice(d.error) : undefined,
    states: stateViews(events, graph().states, d.status),
    events: events.map(({ id, type, timestamp, ...rest }) => ({ id, type, timestamp: timestamp?.toISOString(), details: Object.values(rest).find((v) => v && typeof v === 'object') })),
    effect: catalogEffect(deps.catalog(), release),
    rollout: rolloutProgressOf(state),
    sbom: sbomValidationOf(state),
  });
}

/**
 * Package and version: from the canonical request a state produced (Prepare, or a rollback's
 * ValidateRollback), else from the input. A rollback's version is its target.
 */
function releaseOf(events: HistoryEvent[], input: string | undefined): Release {
  const rollback = rollbackInputOf(input);
  for (const event of events) {
    const output = event.stateExitedEventDetails?.output;
    const request = output ? (JSON.parse(output) as { packageName?: unknown; versionName?: unknown; opensearch?: { packageName?: unknown } }) : undefined;
    const opensearchPackage = typeof request?.opensearch?.packageName === 'string' ? request.opensearch.packageName : undefined;
    if (rollback && request?.packageName === rollback.packageName && opensearchPackage) {
      return { package: rollback.packageName, version: rollback.targetVersion, opensearchPackage, rollback: true };
    }
    if (typeof request?.packageName === 'string' && typeof request.versionName === 'string') {
      return { package: request.packageName, version: request.versionName, opensearchPackage };
    }
  }
  if (rollback) return { package: rollback.packageName, version: rollback.targetVersion, rollback: true };
  const summary = summariseReleaseInput(input);
  return { package: summary.package, version: summary.version };
}

/** What this release did to the catalog: its IoT version and the default, and its OpenSearch package. */
export function catalogEffect(catalog: ReturnType<ConsoleDeps['catalog']>, release: Release) {
  const iotPackage = release.package ? catalog.iot[release.package] : undefined;
  const os = release.opensearchPackage ? catalog.opensearch[release.opensearchPackage] : undefined;
  const ofThisRelease = (commitMessage: string | null) => {
    const commit = parseCommitMessage(commitMessage ?? undefined);
    return Boolean(commit && release.package && commit.versionName === release.version && isCommitOf(commit, release.package));
  };
  return {
    iot: release.package
      ? { package: release.package, version: release.version, versionStatus: (release.version && iotPackage?.versions[release.version]?.status) || null, defaultVersion: iotPackage?.defaultVersion ?? null }
      : null,
    // Every member the twin reports (status, available version, domains once they exist), history narrowed to this release.
    opensearch: os
      ? { name: release.opensearchPackage, ...os, history: os.history.filter((h) => ofThisRelease(h.commitMessage)) }
      : release.opensearchPackage
        ? { name: release.opensearchPackage, status: 'does not exist', history: [] }
        : null,
  };
}
