import type { PollTimingDeps } from '../release/poll-timing';
import type { LeaseStore } from '../release/lease';
import { leaseStoreFromEnv } from './lease-store';
import { logWarning } from './logger';

/**
 * What the steps around the two waits hand lib/release/poll-timing.ts: the table of the leases,
 * the logger for an advisory read or write that failed, and durations in the state machine's
 * seconds, the unit of its Wait states. On AWS those are wall-clock seconds. The local engine runs
 * the ASL's seconds `timeScale` times faster (local/engine/time-scale.ts) and says so in
 * STATE_MACHINE_TIME_SCALE, so that a duration learned locally, and the first wait it gives, are in
 * the seconds the engine then scales. Only differences are converted: timestamps stay epoch ms.
 */
export function pollTimingDepsFromEnv(store: LeaseStore = leaseStoreFromEnv()): PollTimingDeps {
  return { store, warn: logWarning, secondsSince: stateMachineSecondsSince };
}

export function stateMachineSecondsSince(sinceMs: number, now = Date.now()): number {
  const scale = Number(process.env.STATE_MACHINE_TIME_SCALE ?? 1);
  return Math.max(0, (now - sinceMs) / 1000) / (Number.isFinite(scale) && scale > 0 ? scale : 1);
}
