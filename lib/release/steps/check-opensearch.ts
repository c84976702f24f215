import type { OpenSearchClient } from '@aws-sdk/client-opensearch';
import { describePackageById, getVersionHistory } from '../../clients/opensearch';
import { OPENSEARCH } from '../constraints';
import { OpenSearchNotReady, OpenSearchPackageFailed, OpenSearchPackageNotFound } from '../errors';
import { isCommitOf, parseCommitMessage, shortToken } from '../identity';
import type { ReleaseRequest } from '../request';
import { compareVersions } from '../version-order';
import type { UpdateOpenSearchResult } from './update-opensearch';

export interface CheckOpenSearchInput {
  release: ReleaseRequest;
  update: UpdateOpenSearchResult;
  poll: { count: number; max: number };
}

export interface CheckOpenSearchResult {
  ready: boolean;
  status: string;
  availableVersion: string | null;
}

/**
 * Step 4 (the wait loop's check): is this release's content — or a newer release's — what the
 * package serves? `*_FAILED` for our import raises OpenSearchPackageFailed with ErrorDetails;
 * running out of polls raises OpenSearchNotReady (a redrive re-runs this check).
 */
export async function checkOpenSearch({ release, update, poll }: CheckOpenSearchInput, opensearch: OpenSearchClient): Promise<CheckOpenSearchResult> {
  if (update.outcome === 'superseded') return { ready: true, status: 'SUPERSEDED', availableVersion: null };
  const pkg = await describePackageById(opensearch, update.packageId);
  if (!pkg) throw new OpenSearchPackageNotFound(`OpenSearch package ${update.packageName} (${update.packageId}) no longer exists`);
  const status = pkg.PackageStatus ?? 'UNKNOWN';
  const available = pkg.AvailablePackageVersion ?? null;

  const history = await getVersionHistory(opensearch, update.packageId);
  const versionOf = (token: string) =>
    history.find((h) => parseCommitMessage(h.CommitMessage)?.token === token)?.PackageVersion;
  const ours = versionOf(shortToken(release.clientToken));
  const availableCommit = parseCommitMessage(history.find((h) => h.PackageVersion === available)?.CommitMessage);
  const servesOursOrNewer =
    available !== null &&
    (available === ours ||
      (availableCommit !== undefined &&
        isCommitOf(availableCommit, release.packageName) &&
        compareVersions(availableCommit.versionName, release.versionName) > 0));

  // Once our (or a newer) content is the available version we are done, even if a later update is in flight.
  if (servesOursOrNewer) {
    return { ready: true, status, availableVersion: available };
  }
  if ((OPENSEARCH.failedStatuses as readonly string[]).includes(status) && !servesOursOrNewer) {
    throw new OpenSearchPackageFailed(status, pkg.ErrorDetails, update.packageName);
  }
  if (poll.count >= poll.max) {
    throw new OpenSearchNotReady(
      `OpenSearch package ${update.packageName} is still ${status} after ${poll.count} polls; redrive the execution to keep waiting`,
    );
  }
  return { ready: false, status, availableVersion: available };
}
