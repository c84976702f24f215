// The three functions, not the whole library (ranges, coercion): less code in every Lambda's cold init.
import clean from 'semver/functions/clean';
import compare from 'semver/functions/compare';
import valid from 'semver/functions/valid';

/**
 * The one ordering rule for version names, used for the default version and for OpenSearch content:
 * - names that parse as semantic versions (a leading `v` is allowed) compare by semver precedence;
 * - a semver name is newer than any non-semver name;
 * - two non-semver names compare by their dot/dash-separated parts, numeric parts numerically
 *   (so `2024.10.1` > `2024.9.30`), other parts by code point.
 * Returns <0 when a is older than b, 0 when equal, >0 when a is newer.
 */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const sa = valid(clean(a) ?? a);
  const sb = valid(clean(b) ?? b);
  if (sa && sb) return compare(sa, sb) || compareParts(a, b);
  if (sa) return 1;
  if (sb) return -1;
  return compareParts(a, b);
}

function compareParts(a: string, b: string): number {
  const pa = a.split(/[.\-_]/);
  const pb = b.split(/[.\-_]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** The newest of the given version names, or undefined for none. */
export function newestVersion(names: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const n of names) if (best === undefined || compareVersions(n, best) > 0) best = n;
  return best;
}
