import { redriveAdvice } from '../../lib/release/redrive-policy';
import { CliFailure } from '../errors';

/** `local redrive` refuses what a redrive cannot fix, with the reason and what to do instead. */
export function refuseUnfixable(name: string, error: string | null | undefined): void {
  const advice = redriveAdvice(error);
  if (error && !advice.redrivable) {
    throw new CliFailure(`not redriving ${name}: it failed with ${error}, which a redrive cannot fix (it re-runs the same input): ${advice.action}`);
  }
}
