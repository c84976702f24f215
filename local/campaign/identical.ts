import { parseCommitMessage, shortToken } from '../../lib/release/identity';
import type { CampaignPlan } from './generate';
import { type CampaignOutcome, groupBy, type PreparedRelease } from './invariants';

/**
 * 4: byte-identical releases of one version create it once, import it at most once, and one that
 * starts after another has SUCCEEDED changes nothing at all ("already released").
 */
export function checkIdenticalUploads(plan: CampaignPlan, outcome: CampaignOutcome, succeeded: PreparedRelease[], violations: string[]) {
  const iotChanges = (p: PreparedRelease, operation?: string) => outcome.iotTokenUses.filter((u) => u.token === p.token && (!operation || u.operation === operation)).length;
  const commitsOf = (p: PreparedRelease) => {
    const osPackage = plan.scenario.packages[p.packageName]?.opensearchPackage ?? '';
    return (outcome.catalog.opensearch[osPackage]?.history ?? []).filter((h) => parseCommitMessage(h.commitMessage ?? undefined)?.token === shortToken(p.token)).length;
  };
  let identicalUploads = 0;
  let identicalNoOps = 0;
  for (const group of groupBy(succeeded, (p) => `${p.packageName}@${p.versionName}\n${p.content}`).values()) {
    const releases = [...new Map(group.map((p) => [p.token, p])).values()].sort((a, b) => a.execution.startDate.localeCompare(b.execution.startDate));
    if (releases.length < 2) continue;
    const name = `${releases[0]!.packageName}@${releases[0]!.versionName}`;
    const created = releases.reduce((n, p) => n + iotChanges(p, 'CreatePackageVersion'), 0);
    if (created !== 1) violations.push(`not one IoT version: the uploads of the same bytes of ${name} created it ${created} times`);
    const importers = releases.filter((p) => commitsOf(p) > 0);
    if (importers.length > 1) violations.push(`imported twice: ${importers.length} uploads of the same bytes of ${name} each updated OpenSearch (${importers.map((p) => p.execution.name).join(', ')})`);
    const firstDone = releases[0]!.execution.stopDate ?? '';
    for (const later of releases.filter((p) => p.execution.startDate > firstDone)) {
      identicalUploads++;
      if (iotChanges(later) === 0 && commitsOf(later) === 0) identicalNoOps++;
      else violations.push(`not a no-op: ${later.execution.name} re-released ${name} after it was released, and changed the catalog`);
    }
  }

  return { identicalUploads, identicalNoOps };
}
