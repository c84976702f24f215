import type { LeaseStore } from '../release/lease';
import type { PollTimingDeps } from '../release/poll-timing';
import { leaseStoreFromEnv } from './lease-store';
import { logWarning } from './logger';

/**
 * What the steps around the two waits hand lib/release/poll-timing.ts: the table of the leases,
 * the logger for an advisory read or write that failed, and the time scale of the state machine's
 * seconds, the unit of its Wait states. On AWS that is 1. The local engine runs the ASL's seconds
 * `timeScale` times faster (local/engine/time-scale.ts) and says so in STATE_MACHINE_TIME_SCALE, so
 * that a duration learned locally, and the first wait it gives, are in the seconds the engine then
 * scales, while the lease (real seconds) is kept through the wait's wall time.
 */
export function pollTimingDepsFromEnv(store: LeaseStore = leaseStoreFromEnv()): PollTimingDeps {
  const scale = Number(process.env.STATE_MACHINE_TIME_SCALE ?? 1);
  return { store, warn: logWarning, timeScale: Number.isFinite(scale) && scale > 0 ? scale : 1 };
}
