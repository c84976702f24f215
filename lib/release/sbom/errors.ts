/**
 * The SBOM gate's errors: one class per row of the error catalog (lib/release/errors-catalog.ts,
 * which says what each means, whether it is retried or redrivable and what to do); each `name` is
 * what the state machine's `ErrorEquals` matches.
 */
import { catalogError } from '../errors';

export class SbomNotArrived extends catalogError('SbomNotArrived') {}

export class SbomMissing extends catalogError('SbomMissing') {}

export class SbomValidating extends catalogError('SbomValidating') {}

export class SbomInvalid extends catalogError('SbomInvalid') {}

export class SbomLocationInvalid extends catalogError('SbomLocationInvalid') {}
