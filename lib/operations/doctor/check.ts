/**
 * One line of `pkgrelease doctor`: a precondition of a release, whether it holds, what was seen,
 * and, when it does not hold, what a person changes.
 */
export interface Check {
  /** What is checked, e.g. `fleet indexing` or `bucket pkgrelease-prod-artifacts-…`. */
  name: string;
  ok: boolean;
  /** What was found. */
  detail: string;
  /** When not ok: what to change (or, when the check itself failed, what it needs). */
  fix?: string;
}

export const ok = (name: string, detail: string): Check => ({ name, ok: true, detail });
export const notOk = (name: string, detail: string, fix: string): Check => ({ name, ok: false, detail, fix });

/**
 * Runs `check`; an error of the check itself (access denied, throttled) is a line that is not ok and
 * names the error and the permission it needs, so one refused call does not hide the other checks.
 */
export async function guarded(name: string, permission: string, check: () => Promise<Check | Check[]>): Promise<Check[]> {
  try {
    return [await check()].flat();
  } catch (e) {
    const err = e as Error;
    return [notOk(name, `could not check: ${err.name}: ${err.message}`, `allow ${permission} to the caller (or fix the error above), then run doctor again`)];
  }
}
