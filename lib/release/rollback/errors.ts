import { catalogError } from '../errors';

/**
 * The rollback target cannot be rolled back to: it does not exist, is not PUBLISHED or DEPRECATED,
 * or is not older than the package's head. Raised before anything changes.
 */
export class RollbackTargetInvalid extends catalogError('RollbackTargetInvalid') {}

/** The S3 object version the target pinned no longer exists: its bytes cannot be served again. Nothing changed. */
export class RollbackTargetGone extends catalogError('RollbackTargetGone') {}
