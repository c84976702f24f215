/**
 * Whether a budget of `waitMinutes` counted from `sinceMs` (epoch ms) is spent. The minutes are the
 * state machine's: `timeScale` is wall time per state-machine second (1 on AWS; the local engine's
 * scale, lib/lambda/state-machine-time-scale.ts), so a budget lasts as many polls locally as on AWS.
 */
export function budgetSpent(sinceMs: number, waitMinutes: number, timeScale: number | undefined, now: () => number): boolean {
  return now() - sinceMs >= waitMinutes * 60_000 * (timeScale ?? 1);
}
