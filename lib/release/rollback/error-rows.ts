import type { ErrorEntry } from '../errors-catalog';

/** The rollback's errors (docs/rollback.md): rows of the one error catalog, kept in the capability's room. */
export const ROLLBACK_ERROR_ROWS = {
  RollbackTargetInvalid: {
    raisedBy: 'step',
    retried: false,
    redrivable: false,
    action: 'pick a PUBLISHED or DEPRECATED version older than the head (pkgrelease rollback <package> --to <version> --dry-run shows them)',
    meaning: 'the rollback target does not exist, is not PUBLISHED/DEPRECATED, or is not older than the head; nothing was changed (docs/rollback.md)',
  },
  RollbackTargetGone: {
    raisedBy: 'step',
    retried: false,
    redrivable: false,
    action: "the target's pinned S3 object version was deleted: roll back to another version, or roll forward with a new release",
    meaning: "the S3 object version the target pinned no longer exists, so its exact bytes cannot be imported again; nothing was changed",
  },
} as const satisfies Record<string, ErrorEntry>;
