/**
 * How large a request body the twin reads. It holds every body in memory, so it cannot take what
 * AWS takes (S3: 5 GiB in one PutObject or UploadPart): a 150 MB body once took `local serve` from
 * 130 to 569 MB of memory. Larger artifacts go up in parts (`aws s3 cp` switches to multipart at
 * 8 MiB, the SDK's Upload at 5 MiB), each part within the limit.
 */
import { ServiceError } from './http';
import type { BodyLimit } from './server';

/** S3 PutObject / UploadPart: one body (or one part). Larger: 400 EntityTooLarge, as S3 answers above 5 GiB. */
export const S3_MAX_REQUEST_BYTES = 64 * 1024 * 1024;

/**
 * The JSON APIs (IoT, IoT Data Plane, OpenSearch, Step Functions, DynamoDB): their largest legal
 * requests are far smaller (Step Functions input 256 KiB, a DynamoDB item 400 KB, a BatchWriteItem
 * 16 MB of items is the exception dynalite is not asked for). Larger: 413.
 */
export const JSON_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** The JSON APIs' refusal: 413, named as AWS's JSON services name it (IoT Data Plane, Lambda). */
export const JSON_BODY_LIMIT: BodyLimit = {
  bytes: JSON_MAX_REQUEST_BYTES,
  error: (limit, size) => new ServiceError(413, 'RequestEntityTooLargeException', `Request body${size === undefined ? '' : ` of ${size} bytes`} exceeds the twin's limit of ${limit} bytes`),
};
