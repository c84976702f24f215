import { unfixableError } from '../../lib/operations/redrive';
import { CliFailure } from '../errors';

/** `local redrive` refuses what a redrive cannot fix, with the reason and what to do instead. */
export function refuseUnfixable(name: string, error: string | null | undefined): void {
  const unfixable = unfixableError(error);
  if (unfixable) {
    throw new CliFailure(`not redriving ${name}: it failed with ${unfixable.error}, which a redrive cannot fix (it re-runs the same input): ${unfixable.action}`);
  }
}
