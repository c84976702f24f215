import { OpenSearchNotReady } from '../errors';
import { openSearchLeaseKey, releaseLease, renewLease } from '../lease';
import type { UpdateOpenSearchDeps, UpdateOpenSearchResult } from '../steps/update-opensearch';
import { rollBackOpenSearch, rollbackLeaseOwner } from './opensearch';
import type { RollbackRequest } from './request';
import type { RollbackPlan } from './validate';

/**
 * CheckRollbackImport, polled by the ASL's Retry on OpenSearchNotReady: the rollback's own
 * look-and-act again (lib/release/rollback/opensearch.ts), which finds its import by the rollback
 * token, so a poll, a retry or a redrive days later all converge on one import. Raises
 * OpenSearchNotReady while the import runs. When the package has no domains to apply it to, the
 * lease is given back here; otherwise the rollback's domain steps give it back.
 */
export async function checkRollbackImport(
  request: RollbackRequest,
  plan: RollbackPlan,
  started: UpdateOpenSearchResult,
  deps: UpdateOpenSearchDeps & { hasDomains: boolean },
): Promise<UpdateOpenSearchResult> {
  const now = started.outcome === 'importing' ? await rollBackOpenSearch(request, plan, deps) : started;
  if (now.outcome === 'importing') {
    throw new OpenSearchNotReady(`OpenSearch package ${now.packageName} is still importing ${plan.target.versionName}'s bytes for the rollback (${now.packageVersion ?? 'version pending'}); polling again`);
  }
  if (now.outcome === 'served' && now.fence !== undefined) {
    // The lease item's memo says what the package serves now: releases waiting for the lease read it.
    const memo = { version: plan.target.versionName, packageId: now.packageId, packageVersion: now.packageVersion };
    const lease = { key: openSearchLeaseKey(now.packageName), owner: rollbackLeaseOwner(request), fence: now.fence, expiresAt: 0 };
    if (deps.hasDomains) await renewLease(deps.lease, lease, memo);
    else await releaseLease(deps.lease, lease, memo);
  }
  return now;
}
