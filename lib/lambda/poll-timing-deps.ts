import type { LeaseStore } from '../release/lease';
import type { PollTimingDeps } from '../release/poll-timing';
import { leaseStoreFromEnv } from './lease-store';
import { logWarning } from './logger';
import { stateMachineTimeScale } from './state-machine-time-scale';

/**
 * What the steps around the two waits hand lib/release/poll-timing.ts: the table of the leases,
 * the logger for an advisory read or write that failed, and the time scale of the state machine's
 * seconds, the unit of its Wait states (lib/lambda/state-machine-time-scale.ts), so that a duration
 * learned locally, and the first wait it gives, are in the seconds the engine then scales, while
 * the lease (real seconds) is kept through the wait's wall time.
 */
export function pollTimingDepsFromEnv(store: LeaseStore = leaseStoreFromEnv()): PollTimingDeps {
  return { store, warn: logWarning, timeScale: stateMachineTimeScale() };
}
