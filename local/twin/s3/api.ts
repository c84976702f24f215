/**
 * S3 stand-in (restXml, path-style addressing) over the twin's versioned S3Store.
 * Path-style is what the SDK picks by itself for an IP-literal endpoint such as http://127.0.0.1:port.
 */
import { ServiceError, type Protocol, type Reply, type RequestContext, type Route } from '../core/http';
import { header, objectBody, requestedAlgorithm, userMetadata } from './body';
import { checksumHeader } from './checksums';
import { s3MultipartRoutes } from './multipart';
import { objectAttributes, readObject, storedChecksum } from './reads';
import { s3Error, type S3ObjectVersion } from './model';
import type { S3Store } from './store';
import { iso, t, xmlReply } from './xml';

/** S3 errors are XML; members named like headers (`x-amz-...`) are sent as headers instead. */
export const s3Protocol: Protocol = {
  errorReply(e) {
    const headers: Record<string, string> = {};
    let inner = t('Code', e.code) + t('Message', e.message);
    for (const [k, v] of Object.entries(e.extra)) {
      if (k.startsWith('x-amz-')) headers[k] = String(v);
      else inner += t(k, String(v));
    }
    return xmlReply('Error', inner, e.status, headers);
  },
  faultError: (kind) =>
    kind === 'throttle'
      ? new ServiceError(503, 'SlowDown', 'Please reduce your request rate. (twin fault injection)')
      : new ServiceError(500, 'InternalError', 'We encountered an internal error. Please try again. (twin fault injection)'),
};

/** `x-amz-copy-source`: `[/]bucket/url-encoded-key[?versionId=...]`. */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  const src = value.startsWith('/') ? value.slice(1) : value;
  const q = src.indexOf('?');
  const path = q < 0 ? src : src.slice(0, q);
  const versionId = new URLSearchParams(q < 0 ? '' : src.slice(q + 1)).get('versionId') ?? undefined;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw s3Error(400, 'InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  try {
    return { bucket: decodeURIComponent(path.slice(0, slash)), key: decodeURIComponent(path.slice(slash + 1)), versionId };
  } catch {
    throw s3Error(400, 'InvalidArgument', 'Copy Source is not valid URL-encoded text');
  }
}

function maxKeys(ctx: RequestContext): number {
  const raw = ctx.query.get('max-keys');
  const n = raw === null ? 1000 : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw s3Error(400, 'InvalidArgument', 'max-keys must be a non-negative integer');
  return Math.min(n, 1000);
}

function listObjectsV2(store: S3Store, ctx: RequestContext): Reply {
  const bucket = ctx.params.Bucket!;
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const limit = maxKeys(ctx);
  const token = ctx.query.get('continuation-token');
  // Continuation token: the last key (or common prefix) returned, so a resumed listing skips past it.
  let after = ctx.query.get('start-after') ?? '';
  let afterIsPrefix = false;
  if (token) {
    try {
      ({ after, afterIsPrefix } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after: string; afterIsPrefix: boolean });
    } catch {
      throw s3Error(400, 'InvalidArgument', 'The continuation token provided is incorrect');
    }
  }
  const contents: S3ObjectVersion[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last: { after: string; afterIsPrefix: boolean } | undefined;
  for (const o of store.listObjects(bucket, prefix)) {
    if (o.key <= after || (afterIsPrefix && o.key.startsWith(after))) continue;
    const rest = o.key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    const common = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
    if (common && prefixes.at(-1) === common) continue;
    if (contents.length + prefixes.length >= limit) {
      truncated = true;
      break;
    }
    if (common) prefixes.push(common);
    else contents.push(o);
    last = common ? { after: common, afterIsPrefix: true } : { after: o.key, afterIsPrefix: false };
  }
  let inner = t('Name', bucket) + t('Prefix', prefix) + t('KeyCount', contents.length + prefixes.length) + t('MaxKeys', limit);
  if (delimiter) inner += t('Delimiter', delimiter);
  inner += t('IsTruncated', truncated);
  if (token) inner += t('ContinuationToken', token);
  if (truncated && last) inner += t('NextContinuationToken', Buffer.from(JSON.stringify(last)).toString('base64url'));
  for (const o of contents) {
    inner += `<Contents>${t('Key', o.key)}${t('LastModified', iso(o.lastModified))}${t('ETag', o.etag)}${t('Size', o.size)}${t('StorageClass', 'STANDARD')}</Contents>`;
  }
  for (const p of prefixes) inner += `<CommonPrefixes>${t('Prefix', p)}</CommonPrefixes>`;
  return xmlReply('ListBucketResult', inner);
}

function listObjectVersions(store: S3Store, ctx: RequestContext): Reply {
  const bucket = ctx.params.Bucket!;
  const prefix = ctx.query.get('prefix') ?? '';
  const limit = maxKeys(ctx);
  const keyMarker = ctx.query.get('key-marker') ?? '';
  const versionMarker = ctx.query.get('version-id-marker') ?? '';
  let all = store.listVersions(bucket, prefix);
  if (keyMarker) {
    const at = versionMarker ? all.findIndex(({ entry }) => entry.key === keyMarker && entry.versionId === versionMarker) : -1;
    all = at >= 0 ? all.slice(at + 1) : all.filter(({ entry }) => entry.key > keyMarker);
  }
  const page = all.slice(0, limit);
  const truncated = all.length > page.length;
  let inner = t('Name', bucket) + t('Prefix', prefix) + t('KeyMarker', keyMarker) + t('VersionIdMarker', versionMarker) + t('MaxKeys', limit) + t('IsTruncated', truncated);
  const lastEntry = page.at(-1)?.entry;
  if (truncated && lastEntry) inner += t('NextKeyMarker', lastEntry.key) + t('NextVersionIdMarker', lastEntry.versionId);
  for (const { entry: e, isLatest } of page) {
    const common = t('Key', e.key) + t('VersionId', e.versionId) + t('IsLatest', isLatest) + t('LastModified', iso(e.lastModified));
    inner +=
      e.kind === 'object'
        ? `<Version>${common}${t('ETag', e.etag)}${t('Size', e.size)}${t('StorageClass', 'STANDARD')}</Version>`
        : `<DeleteMarker>${common}</DeleteMarker>`;
  }
  return xmlReply('ListVersionsResult', inner);
}

/** Conditional writes: If-None-Match `*` (no current object), If-Match (the current object's ETag). */
export function checkWriteConditions(store: S3Store, ctx: RequestContext, bucket: string, key: string): void {
  const current = store.findObject(bucket, key);
  if (header(ctx, 'if-none-match') === '*' && current) {
    throw s3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-None-Match' });
  }
  const ifMatch = header(ctx, 'if-match');
  if (ifMatch !== undefined) {
    if (!current) throw s3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
    if (ifMatch !== '*' && ifMatch !== current.etag && `"${ifMatch}"` !== current.etag) {
      throw s3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-Match' });
    }
  }
}

async function putObject(store: S3Store, ctx: RequestContext): Promise<Reply> {
  const { Bucket: bucket, Key: key } = ctx.params as { Bucket: string; Key: string };
  const { body, algorithm } = await objectBody(ctx);
  checkWriteConditions(store, ctx, bucket, key);
  const o = store.putObject(bucket, key, body, {
    contentType: header(ctx, 'content-type'),
    metadata: userMetadata(ctx),
    serverSideEncryption: header(ctx, 'x-amz-server-side-encryption'),
    checksumAlgorithm: algorithm,
  });
  const c = await storedChecksum(o);
  return {
    status: 200,
    headers: { etag: o.etag, 'x-amz-version-id': o.versionId, 'x-amz-server-side-encryption': o.serverSideEncryption, [checksumHeader(c.algorithm)]: c.value, 'x-amz-checksum-type': c.type },
  };
}

/** x-amz-copy-source-if-match / -if-none-match against the source version. */
export function checkCopySourceConditions(source: S3ObjectVersion, ctx: RequestContext): void {
  const ifMatch = header(ctx, 'x-amz-copy-source-if-match');
  const ifNoneMatch = header(ctx, 'x-amz-copy-source-if-none-match');
  const same = (e: string) => e === source.etag || `"${e}"` === source.etag;
  if ((ifMatch !== undefined && !same(ifMatch)) || (ifNoneMatch !== undefined && same(ifNoneMatch))) {
    throw s3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: ifMatch !== undefined ? 'x-amz-copy-source-If-Match' : 'x-amz-copy-source-If-None-Match' });
  }
}

/** S3 copies at most 5 GB in one CopyObject request; larger objects need UploadPartCopy. */
export const MAX_COPY_OBJECT_BYTES = 5 * 1024 ** 3;

async function copyObject(store: S3Store, ctx: RequestContext): Promise<Reply> {
  const { Bucket: bucket, Key: key } = ctx.params as { Bucket: string; Key: string };
  const src = parseCopySource(header(ctx, 'x-amz-copy-source') ?? '');
  const replace = header(ctx, 'x-amz-metadata-directive') === 'REPLACE';
  const sse = header(ctx, 'x-amz-server-side-encryption');
  if (src.bucket === bucket && src.key === key && !src.versionId && !replace && !sse) {
    throw s3Error(400, 'InvalidRequest', "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const found = store.getObject(src.bucket, src.key, src.versionId);
  checkCopySourceConditions(found, ctx);
  if (found.size > MAX_COPY_OBJECT_BYTES) {
    throw s3Error(400, 'InvalidRequest', 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
  }
  const { source, created } = store.copyObject(src, { bucket, key }, {
    replaceMetadata: replace ? { contentType: header(ctx, 'content-type'), metadata: userMetadata(ctx) } : undefined,
    serverSideEncryption: sse,
    checksumAlgorithm: requestedAlgorithm(ctx),
  });
  const c = await storedChecksum(created);
  return xmlReply('CopyObjectResult', t('LastModified', iso(created.lastModified)) + t('ETag', created.etag) + t(`Checksum${c.algorithm}`, c.value) + t('ChecksumType', c.type), 200, {
    'x-amz-version-id': created.versionId,
    'x-amz-copy-source-version-id': source.versionId,
    'x-amz-server-side-encryption': created.serverSideEncryption,
  });
}

function deleteObject(store: S3Store, ctx: RequestContext): Reply {
  const { Bucket: bucket, Key: key } = ctx.params as { Bucket: string; Key: string };
  const result = store.deleteObject(bucket, key, ctx.query.get('versionId') ?? undefined);
  const headers: Record<string, string> = {};
  if (result.versionId) headers['x-amz-version-id'] = result.versionId;
  if (result.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  return { status: 204, headers };
}

const has = (name: string) => (ctx: RequestContext) => ctx.query.has(name);

export function s3Routes(store: S3Store): Route[] {
  const key = (ctx: RequestContext) => [ctx.params.Bucket!, ctx.params.Key!] as const;
  const versionId = (ctx: RequestContext) => ctx.query.get('versionId') ?? undefined;
  const bucketOp = (ctx: RequestContext, reply: () => Reply): Reply => {
    store.requireBucket(ctx.params.Bucket!);
    return reply();
  };
  return [
    {
      method: 'GET', path: '/', operation: 'ListBuckets',
      handle: () =>
        xmlReply('ListAllMyBucketsResult', `<Buckets>${store.listBuckets().map((b) => `<Bucket>${t('Name', b.name)}${t('CreationDate', iso(b.createdAt))}</Bucket>`).join('')}</Buckets>`),
    },
    // Every twin bucket is versioned; PutBucketVersioning is accepted and changes nothing.
    { method: 'PUT', path: '/{Bucket}', operation: 'PutBucketVersioning', when: has('versioning'), handle: (ctx) => bucketOp(ctx, () => ({ status: 200 })) },
    { method: 'GET', path: '/{Bucket}', operation: 'GetBucketVersioning', when: has('versioning'), handle: (ctx) => bucketOp(ctx, () => xmlReply('VersioningConfiguration', t('Status', 'Enabled'))) },
    {
      method: 'PUT', path: '/{Bucket}', operation: 'CreateBucket',
      handle: (ctx) => {
        store.createBucket(ctx.params.Bucket!);
        return { status: 200, headers: { location: `/${ctx.params.Bucket}` } };
      },
    },
    { method: 'HEAD', path: '/{Bucket}', operation: 'HeadBucket', handle: (ctx) => bucketOp(ctx, () => ({ status: 200 })) },
    {
      method: 'DELETE', path: '/{Bucket}', operation: 'DeleteBucket',
      handle: (ctx) => {
        store.deleteBucket(ctx.params.Bucket!);
        return { status: 204 };
      },
    },
    { method: 'GET', path: '/{Bucket}', operation: 'ListObjectVersions', when: has('versions'), handle: (ctx) => listObjectVersions(store, ctx) },
    { method: 'GET', path: '/{Bucket}', operation: 'ListObjectsV2', when: (ctx) => ctx.query.get('list-type') === '2', handle: (ctx) => listObjectsV2(store, ctx) },
    ...s3MultipartRoutes(store),
    { method: 'PUT', path: '/{Bucket}/{Key+}', operation: 'CopyObject', when: (ctx) => header(ctx, 'x-amz-copy-source') !== undefined, handle: (ctx) => copyObject(store, ctx) },
    { method: 'PUT', path: '/{Bucket}/{Key+}', operation: 'PutObject', handle: (ctx) => putObject(store, ctx) },
    { method: 'GET', path: '/{Bucket}/{Key+}', operation: 'GetObjectAttributes', when: has('attributes'), handle: (ctx) => objectAttributes(store.getObject(...key(ctx), versionId(ctx)), ctx) },
    { method: 'GET', path: '/{Bucket}/{Key+}', operation: 'GetObject', handle: (ctx) => readObject(store.getObject(...key(ctx), versionId(ctx)), ctx) },
    // HEAD replies carry no body, so a missing object is just a 404 status (the SDK reports NotFound).
    { method: 'HEAD', path: '/{Bucket}/{Key+}', operation: 'HeadObject', handle: (ctx) => readObject(store.getObject(...key(ctx), versionId(ctx)), ctx) },
    { method: 'DELETE', path: '/{Bucket}/{Key+}', operation: 'DeleteObject', handle: (ctx) => deleteObject(store, ctx) },
  ];
}
