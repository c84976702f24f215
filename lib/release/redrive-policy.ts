import { catalogEntry, UNLISTED_ACTION } from './errors-catalog';

/**
 * Which failures a Redrive can fix: the one classification read by `pkgrelease status`,
 * `pkgrelease redrive --all-failed`, `pkgrelease local redrive` and the local console, taken from
 * the error catalog (lib/release/errors-catalog.ts).
 *
 * A redrive re-runs the failed state with the same input. It helps when the cause lies outside the
 * input (throttling, a missing OpenSearch package created since, a slow import, a lock held by a
 * crashed release). It can never fix the input itself: those need a new upload or manifest.
 */
export interface RedriveAdvice {
  /** Whether redriving the execution can make it succeed once the cause is gone. */
  redrivable: boolean;
  /** What a person does next, in one sentence. */
  action: string;
}

/** Anything the catalog does not name (a Lambda's own unhandled error, say) is redrivable. */
const DEFAULT_ADVICE: RedriveAdvice = { redrivable: true, action: UNLISTED_ACTION };

/** Keyed by error name: what the ASL's ErrorEquals matches and what an execution reports. */
export function redriveAdvice(errorName: string | undefined | null): RedriveAdvice {
  const entry = catalogEntry(errorName);
  return entry ? { redrivable: entry.redrivable, action: entry.action } : DEFAULT_ADVICE;
}
