import { parseCommitMessage } from '../../lib/release/identity';
import { compareVersions } from '../../lib/release/version-order';
import { LOCAL_BUCKET, type LocalReport, type LocalSession } from '../../local/session';
import { waitFor } from '../twin/helpers';

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

/** The two releases of the race tests: an older one whose UpdatePackage is held in flight, and a newer one. */
export const OLDER = { version: '1.0.0', body: 'alpha\nbeta\n' };
export const NEWER = { version: '1.1.0', body: 'alpha\nbeta\ngamma\n' };

/**
 * Uploads the older release and returns once it has staged its bytes, so that its UpdatePackage —
 * delayed by a latency fault — is in flight (plus a moment for the request to leave).
 */
export async function olderInFlight(s: LocalSession): Promise<void> {
  await s.upload(`releases/edge-agent/${OLDER.version}/words.txt`, OLDER.body);
  await waitFor(async () => s.twin.s3.listObjects(LOCAL_BUCKET, `staging/edge-agent/${OLDER.version}/`).length, (n) => n === 1, 10_000);
  await new Promise((r) => setTimeout(r, 100));
}
