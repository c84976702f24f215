import { parseCommitMessage } from '../../lib/release/identity';
import { compareVersions } from '../../lib/release/version-order';
import type { LocalReport } from '../../local/session';

/** Every content an OpenSearch package started serving, in order: its release (from the commit) and its bytes. */
export function servedTimeline(report: LocalReport, opensearchPackage: string): { packageVersion: string; release?: string; sha256?: string }[] {
  const pkg = report.catalog.opensearch[opensearchPackage]!;
  return pkg.served.map(({ version }) => {
    const entry = pkg.history.find((h) => h.version === version);
    return { packageVersion: version, release: parseCommitMessage(entry?.commitMessage ?? undefined)?.versionName, sha256: entry?.source?.sha256 ?? undefined };
  });
}

/** The releases served, in order, and the first step backwards (an older release served after a newer one), if any. */
export function servedReleases(report: LocalReport, opensearchPackage: string): { releases: string[]; regression?: string } {
  const releases = servedTimeline(report, opensearchPackage).flatMap((t) => (t.release ? [t.release] : []));
  const i = releases.findIndex((r, n) => n > 0 && compareVersions(r, releases[n - 1]!) < 0);
  return { releases, regression: i > 0 ? `${releases[i - 1]} → ${releases[i]} (served ${releases.join(' → ')})` : undefined };
}
