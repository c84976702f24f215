/**
 * S3 multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, ListParts,
 * CompleteMultipartUpload, AbortMultipartUpload. The parts are held until Complete, which
 * assembles them into one body (the parts are then dropped: each byte is held once) with S3's
 * multipart ETag (md5 of the parts' md5s, `-N`) and checksum (COMPOSITE `…-N` or FULL_OBJECT).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Reply, RequestContext, Route } from '../core/http';
import { header, objectBody, requestedAlgorithm, userMetadata } from './body';
import { type ChecksumAlgorithm, type ChecksumType, checksumHeader, checksumOf, compositeChecksum, multipartTypes } from './checksums';
import { checkCopySourceConditions, checkWriteConditions, parseCopySource } from './api';
import { type ObjectPart, type PutOptions, s3Error } from './model';
import type { S3Store } from './store';
import { iso, t, xmlReply } from './xml';

const MIN_PART_BYTES = 5 * 1024 * 1024;

interface UploadedPart {
  body: Buffer;
  etag: string;
  checksum?: string;
  lastModified: number;
}

interface Upload {
  bucket: string;
  key: string;
  initiated: number;
  options: PutOptions;
  algorithm?: ChecksumAlgorithm;
  type?: ChecksumType;
  parts: Map<number, UploadedPart>;
}

const uploadsByStore = new WeakMap<S3Store, Map<string, Upload>>();

function uploadsOf(store: S3Store): Map<string, Upload> {
  let m = uploadsByStore.get(store);
  if (!m) uploadsByStore.set(store, (m = new Map()));
  return m;
}

function upload(store: S3Store, ctx: RequestContext): Upload {
  const id = ctx.query.get('uploadId') ?? '';
  const u = uploadsOf(store).get(id);
  if (!u || u.bucket !== ctx.params.Bucket || u.key !== ctx.params.Key) {
    throw s3Error(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: id });
  }
  return u;
}

function partNumber(ctx: RequestContext): number {
  const n = Number(ctx.query.get('partNumber'));
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw s3Error(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  return n;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

function create(store: S3Store, ctx: RequestContext): Reply {
  const { Bucket: bucket, Key: key } = ctx.params as { Bucket: string; Key: string };
  store.requireBucket(bucket);
  const algorithm = requestedAlgorithm(ctx);
  const asked = header(ctx, 'x-amz-checksum-type')?.toUpperCase() as ChecksumType | undefined;
  let type: ChecksumType | undefined;
  if (algorithm) {
    const allowed = multipartTypes(algorithm);
    if (asked && !allowed.includes(asked)) throw s3Error(400, 'InvalidRequest', `The ${algorithm} checksum algorithm does not support the ${asked} checksum type; use ${allowed.join(' or ')}`);
    type = asked ?? allowed[0];
  } else if (asked) throw s3Error(400, 'InvalidRequest', 'x-amz-checksum-type requires x-amz-checksum-algorithm');
  const id = randomUUID().replace(/-/g, '');
  uploadsOf(store).set(id, {
    bucket, key, initiated: Date.now(), algorithm, type, parts: new Map(),
    options: { contentType: header(ctx, 'content-type'), metadata: userMetadata(ctx), serverSideEncryption: header(ctx, 'x-amz-server-side-encryption') },
  });
  const headers: Record<string, string> = { 'x-amz-server-side-encryption': ctx.headers['x-amz-server-side-encryption']?.toString() ?? 'AES256' };
  if (algorithm && type) Object.assign(headers, { 'x-amz-checksum-algorithm': algorithm, 'x-amz-checksum-type': type });
  return xmlReply('InitiateMultipartUploadResult', t('Bucket', bucket) + t('Key', key) + t('UploadId', id), 200, headers);
}

async function addPart(u: Upload, n: number, body: Buffer, sent?: { algorithm?: ChecksumAlgorithm; checksum?: string }): Promise<UploadedPart> {
  if (sent?.algorithm && u.algorithm && sent.algorithm !== u.algorithm) {
    throw s3Error(400, 'InvalidRequest', `Checksum Type mismatch occurred, expected checksum Type: ${u.algorithm.toLowerCase()}, actual checksum Type: ${sent.algorithm.toLowerCase()}`);
  }
  const part: UploadedPart = {
    body,
    etag: `"${md5(body).toString('hex')}"`,
    checksum: u.algorithm ? (sent?.checksum ?? (await checksumOf(u.algorithm, body))) : undefined,
    lastModified: Date.now(),
  };
  u.parts.set(n, part);
  return part;
}

async function uploadPart(store: S3Store, ctx: RequestContext): Promise<Reply> {
  const u = upload(store, ctx);
  const { body, algorithm, checksum } = await objectBody(ctx);
  const part = await addPart(u, partNumber(ctx), body, { algorithm, checksum });
  const headers: Record<string, string> = { etag: part.etag, 'x-amz-server-side-encryption': u.options.serverSideEncryption ?? 'AES256' };
  if (u.algorithm && part.checksum) headers[checksumHeader(u.algorithm)] = part.checksum;
  return { status: 200, headers };
}

async function uploadPartCopy(store: S3Store, ctx: RequestContext): Promise<Reply> {
  const u = upload(store, ctx);
  const n = partNumber(ctx);
  const src = parseCopySource(header(ctx, 'x-amz-copy-source') ?? '');
  const source = store.getObject(src.bucket, src.key, src.versionId);
  checkCopySourceConditions(source, ctx);
  const range = header(ctx, 'x-amz-copy-source-range');
  let body = source.body;
  if (range !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(range);
    if (!m || Number(m[2]) < Number(m[1]) || Number(m[2]) >= source.size) {
      throw s3Error(400, 'InvalidArgument', `Range specified is not valid for source object of size: ${source.size}`);
    }
    body = source.body.subarray(Number(m[1]), Number(m[2]) + 1);
  }
  const part = await addPart(u, n, body);
  const checksum = u.algorithm && part.checksum ? t(`Checksum${u.algorithm}`, part.checksum) : '';
  return xmlReply('CopyPartResult', t('LastModified', iso(part.lastModified)) + t('ETag', part.etag) + checksum, 200, { 'x-amz-copy-source-version-id': source.versionId });
}

function listParts(store: S3Store, ctx: RequestContext): Reply {
  const u = upload(store, ctx);
  const max = Math.min(Number(ctx.query.get('max-parts') ?? 1000) || 1000, 1000);
  const marker = Number(ctx.query.get('part-number-marker') ?? 0) || 0;
  const numbers = [...u.parts.keys()].sort((a, b) => a - b).filter((n) => n > marker);
  const page = numbers.slice(0, max);
  let inner = t('Bucket', u.bucket) + t('Key', u.key) + t('UploadId', ctx.query.get('uploadId')!) + t('PartNumberMarker', marker);
  inner += t('NextPartNumberMarker', page.at(-1) ?? marker) + t('MaxParts', max) + t('IsTruncated', numbers.length > page.length) + t('StorageClass', 'STANDARD');
  if (u.algorithm && u.type) inner += t('ChecksumAlgorithm', u.algorithm) + t('ChecksumType', u.type);
  for (const n of page) {
    const p = u.parts.get(n)!;
    const checksum = u.algorithm && p.checksum ? t(`Checksum${u.algorithm}`, p.checksum) : '';
    inner += `<Part>${t('PartNumber', n)}${t('LastModified', iso(p.lastModified))}${t('ETag', p.etag)}${t('Size', p.body.length)}${checksum}</Part>`;
  }
  return xmlReply('ListPartsResult', inner);
}

/** The `<Part>` list of a CompleteMultipartUpload body, in request order. */
function requestedParts(xml: string): { number: number; etag: string }[] {
  const parts = [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map(([, inner]) => ({
    number: Number(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(inner!)?.[1]),
    etag: (/<ETag>([\s\S]*?)<\/ETag>/.exec(inner!)?.[1] ?? '').trim().replace(/&quot;/g, '"'),
  }));
  if (parts.length === 0) throw s3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  return parts;
}

async function complete(store: S3Store, ctx: RequestContext): Promise<Reply> {
  const u = upload(store, ctx);
  const asked = requestedParts(ctx.body.toString('utf8'));
  const chosen: UploadedPart[] = [];
  asked.forEach(({ number, etag }, i) => {
    if (i > 0 && number <= asked[i - 1]!.number) throw s3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.');
    const p = u.parts.get(number);
    if (!p || (p.etag !== etag && `"${etag}"` !== p.etag)) {
      const message = "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.";
      throw s3Error(400, 'InvalidPart', message, { PartNumber: String(number), ETag: etag });
    }
    if (i < asked.length - 1 && p.body.length < MIN_PART_BYTES) {
      throw s3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', { PartNumber: String(number), ProposedSize: String(p.body.length), MinSizeAllowed: String(MIN_PART_BYTES) });
    }
    chosen.push(p);
  });
  checkWriteConditions(store, ctx, u.bucket, u.key);
  const body = Buffer.concat(chosen.map((p) => p.body));
  const expectedSize = header(ctx, 'x-amz-mp-object-size');
  if (expectedSize !== undefined && Number(expectedSize) !== body.length) {
    throw s3Error(400, 'InvalidRequest', `The provided 'x-amz-mp-object-size' header value ${expectedSize} does not match what was computed: ${body.length}`);
  }
  const algorithm = u.algorithm ?? 'CRC64NVME';
  const type = u.type ?? 'FULL_OBJECT';
  const value = type === 'COMPOSITE' ? await compositeChecksum(algorithm, chosen.map((p) => p.checksum!)) : await checksumOf(algorithm, body);
  const sent = header(ctx, checksumHeader(algorithm));
  if (sent !== undefined && sent !== value && `${sent}-${chosen.length}` !== value) {
    throw s3Error(400, 'BadDigest', `The ${algorithm} you specified for the full object did not match what was computed.`);
  }
  const parts: ObjectPart[] = chosen.map((p) => ({ size: p.body.length, ...(p.checksum && { checksum: p.checksum }) }));
  const etag = `"${md5(Buffer.concat(chosen.map((p) => md5(p.body)))).toString('hex')}-${chosen.length}"`;
  uploadsOf(store).delete(ctx.query.get('uploadId')!);
  const o = store.putObject(u.bucket, u.key, body, { ...u.options, multipart: { etag, checksum: { algorithm, type, ...(type === 'COMPOSITE' && { composite: value }) }, parts } });
  const inner = t('Location', `/${u.bucket}/${u.key}`) + t('Bucket', u.bucket) + t('Key', u.key) + t('ETag', o.etag) + t(`Checksum${algorithm}`, value) + t('ChecksumType', type);
  return xmlReply('CompleteMultipartUploadResult', inner, 200, { 'x-amz-version-id': o.versionId, 'x-amz-server-side-encryption': o.serverSideEncryption });
}

function abort(store: S3Store, ctx: RequestContext): Reply {
  upload(store, ctx);
  uploadsOf(store).delete(ctx.query.get('uploadId')!);
  return { status: 204 };
}

const has = (name: string) => (ctx: RequestContext) => ctx.query.has(name);

/** Routes that must come before PutObject / CopyObject / GetObject / DeleteObject (they match on query parameters). */
export function s3MultipartRoutes(store: S3Store): Route[] {
  return [
    { method: 'POST', path: '/{Bucket}/{Key+}', operation: 'CreateMultipartUpload', when: has('uploads'), handle: (ctx) => create(store, ctx) },
    { method: 'POST', path: '/{Bucket}/{Key+}', operation: 'CompleteMultipartUpload', when: has('uploadId'), handle: (ctx) => complete(store, ctx) },
    { method: 'PUT', path: '/{Bucket}/{Key+}', operation: 'UploadPartCopy', when: (ctx) => ctx.query.has('uploadId') && header(ctx, 'x-amz-copy-source') !== undefined, handle: (ctx) => uploadPartCopy(store, ctx) },
    { method: 'PUT', path: '/{Bucket}/{Key+}', operation: 'UploadPart', when: has('uploadId'), handle: (ctx) => uploadPart(store, ctx) },
    { method: 'GET', path: '/{Bucket}/{Key+}', operation: 'ListParts', when: has('uploadId'), handle: (ctx) => listParts(store, ctx) },
    { method: 'DELETE', path: '/{Bucket}/{Key+}', operation: 'AbortMultipartUpload', when: has('uploadId'), handle: (ctx) => abort(store, ctx) },
  ];
}
