/**
 * S3 request bodies: aws-chunked framing removed, the additional checksum (header or trailer) and
 * Content-MD5 verified, and which checksum algorithm the writer asked S3 to keep.
 */
import { createHash } from 'node:crypto';
import type { RequestContext } from '../core/http';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, checksumHeader, checksumOf, parseAlgorithm } from './checksums';
import { s3Error } from './model';

export const header = (ctx: RequestContext, name: string): string | undefined => {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=..]\r\n<data>\r\n ... 0\r\n<trailers>\r\n\r\n`),
 * which the SDK sends for streaming bodies unless request checksums are WHEN_REQUIRED.
 */
export function decodeAwsChunked(buf: Buffer): { body: Buffer; trailers: Record<string, string> } {
  const bad = () => s3Error(400, 'IncompleteBody', 'Malformed aws-chunked request body');
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', pos);
    if (lineEnd < 0) throw bad();
    const size = Number.parseInt(buf.toString('latin1', pos, lineEnd).split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size < 0) throw bad();
    pos = lineEnd + 2;
    if (size === 0) break;
    if (pos + size > buf.length) throw bad();
    parts.push(buf.subarray(pos, pos + size));
    pos += size;
    if (buf.toString('latin1', pos, pos + 2) !== '\r\n') throw bad();
    pos += 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of buf.toString('latin1', pos).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) trailers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { body: Buffer.concat(parts), trailers };
}

/** The request body as stored, and the checksum algorithm it came with (header, trailer or x-amz-sdk-checksum-algorithm). */
export async function objectBody(ctx: RequestContext): Promise<{ body: Buffer; algorithm?: ChecksumAlgorithm; checksum?: string }> {
  let body = ctx.body;
  let trailers: Record<string, string> = {};
  const encoding = header(ctx, 'content-encoding') ?? '';
  if (encoding.includes('aws-chunked') || (header(ctx, 'x-amz-content-sha256') ?? '').startsWith('STREAMING-')) {
    ({ body, trailers } = decodeAwsChunked(body));
    const decoded = header(ctx, 'x-amz-decoded-content-length');
    if (decoded !== undefined && Number(decoded) !== body.length) {
      throw s3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by x-amz-decoded-content-length');
    }
  }
  let algorithm: ChecksumAlgorithm | undefined;
  let checksum: string | undefined;
  for (const a of CHECKSUM_ALGORITHMS) {
    const expected = trailers[checksumHeader(a)] ?? header(ctx, checksumHeader(a));
    if (expected === undefined) continue;
    if (expected !== (await checksumOf(a, body))) {
      throw s3Error(400, 'BadDigest', `The ${a} you specified did not match the calculated checksum.`);
    }
    algorithm = a;
    checksum = expected;
  }
  const md5 = header(ctx, 'content-md5');
  if (md5 !== undefined && md5 !== createHash('md5').update(body).digest('base64')) {
    throw s3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  return { body, algorithm: algorithm ?? requestedAlgorithm(ctx), checksum };
}

/** `x-amz-checksum-algorithm` / `x-amz-sdk-checksum-algorithm`, validated. */
export function requestedAlgorithm(ctx: RequestContext): ChecksumAlgorithm | undefined {
  try {
    return parseAlgorithm(header(ctx, 'x-amz-checksum-algorithm') ?? header(ctx, 'x-amz-sdk-checksum-algorithm'));
  } catch (e) {
    throw s3Error(400, 'InvalidRequest', (e as Error).message);
  }
}

export function userMetadata(ctx: RequestContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.headers)) {
    if (k.startsWith('x-amz-meta-') && v !== undefined) out[k.slice('x-amz-meta-'.length)] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

