import { ReleaseError, TransientAwsError } from './errors';

/**
 * Which AWS SDK errors are worth retrying later (throttling, 5xx, network failures), and their
 * re-raising under the one name the state machine retries.
 */

interface SdkErrorShape {
  name?: string;
  $fault?: 'client' | 'server';
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  code?: string;
}

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/** True for errors worth retrying later: throttling, 5xx, and network failures. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & SdkErrorShape;
  if (e.name === 'TimeoutError' || (e.code && NETWORK_CODES.has(e.code))) return true;
  if (e.name && THROTTLING_NAMES.has(e.name)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return e.$fault === 'server' || (status !== undefined && status >= 500);
}

/** Re-raise transient SDK errors under the one name the ASL retries; anything else unchanged. */
export function classifyAwsError(error: unknown, what: string): unknown {
  if (error instanceof ReleaseError || !isTransient(error)) return error;
  const e = error as Error;
  return new TransientAwsError(`${what} failed transiently: ${e.name}: ${e.message}`, { cause: error });
}
